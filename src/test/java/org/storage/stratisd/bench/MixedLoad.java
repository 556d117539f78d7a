package org.storage.stratisd.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.messages.Error;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * The mixed load a new user tries first: each client its own connection and its own pool, and in
 * a cycle of twenty steps fourteen {@code Properties.Get} of its pool's {@code Name}, two
 * {@code GetManagedObjects}, a {@code CreateFilesystems}, a filesystem's {@code SetName} (then a
 * {@code Properties.Get} of its new name), a {@code DestroyFilesystems} (once it has three) and a
 * {@code Properties.Get} of a filesystem's {@code Name}: 21 calls once it has filesystems. Every answer is checked against what the client itself did (read-your-writes):
 * its pool's name, the names of its filesystems in the managed objects, a renamed filesystem's
 * new name. A call that fails (a D-Bus error, no reply, rc != 0) counts as an error, a wrong answer
 * as an inconsistency; the first few of each are kept for the report.
 */
final class MixedLoad implements AutoCloseable {

    static final String P9 = "org.storage.stratis3.pool.r9";
    static final String F9 = "org.storage.stratis3.filesystem.r9";
    static final List<String> KINDS = List.of("Properties.Get", "GetManagedObjects", "CreateFilesystems", "SetName",
            "DestroyFilesystems");

    private final List<Client> clients = new ArrayList<>();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong inconsistencies = new AtomicLong();
    /** The first problems seen, for the report; appended by any client thread. */
    private final ConcurrentLinkedQueue<String> firstProblems = new ConcurrentLinkedQueue<>();

    /** What one run measured. */
    record Result(long calls, long errors, long inconsistencies, double seconds, Map<String, Histogram> latencyMicros,
                  List<String> problems) {
    }

    /**
     * Connects the clients and creates their pools (simulator devices {@code /dev/<prefix>N}).
     *
     * @param address the bus
     * @param count   clients
     * @param prefix  the pools' name prefix
     */
    MixedLoad(String address, int count, String prefix) throws Exception {
        for (int i = 0; i < count; i++) {
            BusClient bus = new BusClient(address);
            String name = prefix + i;
            Object[] reply = new StratisCalls(bus).call(BusClient.ROOT, BusClient.MANAGER_R9, "CreatePool", BusClient.CREATE_POOL_R9,
                    StratisCalls.createArgs(name, List.of("/dev/" + name))).ok().struct();
            clients.add(new Client(bus, ((DBusPath) ((Object[]) reply[1])[0]).getPath(), name));
        }
    }

    /**
     * Runs every client on its own thread until {@code seconds} have passed.
     *
     * @param seconds how long
     * @return what was measured
     */
    Result run(double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (Client client : clients) {
            threads.add(Thread.ofPlatform().name("mixed-" + client.poolName).start(() -> client.loop(deadline)));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Map<String, Histogram> merged = new LinkedHashMap<>();
        long calls = 0;
        for (String kind : KINDS) {
            Histogram all = newHistogram();
            for (Client client : clients) {
                all.add(client.latency.get(kind));
            }
            merged.put(kind, all);
            calls += all.getTotalCount();
        }
        return new Result(calls, errors.get(), inconsistencies.get(), elapsed, merged, List.copyOf(firstProblems));
    }

    /** Closes the clients' connections. */
    @Override
    public void close() {
        clients.forEach(c -> c.bus.close());
    }

    private static Histogram newHistogram() {
        return new Histogram(60_000_000L, 3);
    }

    private void problem(AtomicLong counter, String what) {
        if (counter.incrementAndGet() <= 5) {
            firstProblems.add(what);
        }
    }

    /** One client: confined to its thread once {@link #loop} runs. */
    private final class Client {
        private final BusClient bus;
        private final String poolPath;
        private final String poolName;
        /** The client's filesystems, path to the name it last gave. */
        private final Map<String, String> filesystems = new LinkedHashMap<>();
        private final Map<String, Histogram> latency = new LinkedHashMap<>();
        private long created;

        private Client(BusClient bus, String poolPath, String poolName) {
            this.bus = bus;
            this.poolPath = poolPath;
            this.poolName = poolName;
            KINDS.forEach(k -> latency.put(k, newHistogram()));
        }

        private void loop(long deadline) {
            for (long i = 0; System.nanoTime() < deadline; i++) {
                int step = (int) (i % 20);
                try {
                    if (step < 14) {
                        expect("pool Name", poolName, get(poolPath, P9, "Name"));
                    } else if (step < 16) {
                        managedObjects();
                    } else if (step == 16) {
                        create();
                    } else if (step == 17) {
                        rename();
                    } else if (step == 18) {
                        destroy();
                    } else if (!filesystems.isEmpty()) {
                        Map.Entry<String, String> fs = filesystems.entrySet().iterator().next();
                        expect("filesystem Name", fs.getValue(), get(fs.getKey(), F9, "Name"));
                    }
                } catch (Exception e) {
                    problem(errors, poolName + ": " + e);
                }
            }
        }

        private Object get(String path, String iface, String name) throws Exception {
            Message reply = timed("Properties.Get", path, "org.freedesktop.DBus.Properties", "Get", "ss", iface, name);
            return ((Variant<?>) reply.getParameters()[0]).getValue();
        }

        private void managedObjects() throws Exception {
            Message reply = timed("GetManagedObjects", BusClient.ROOT, "org.freedesktop.DBus.ObjectManager",
                    "GetManagedObjects", "");
            @SuppressWarnings("unchecked")
            Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects =
                    (Map<DBusPath, Map<String, Map<String, Variant<?>>>>) reply.getParameters()[0];
            Set<String> seen = new TreeSet<>();
            for (Map<String, Map<String, Variant<?>>> object : objects.values()) {
                Map<String, Variant<?>> fs = object.get(F9);
                if (fs != null && poolPath.equals(fs.get("Pool").getValue().toString())) {
                    seen.add(fs.get("Name").getValue().toString());
                }
            }
            expect("filesystem names in GetManagedObjects", new TreeSet<>(filesystems.values()), seen);
        }

        private void create() throws Exception {
            String name = "fs" + created++;
            Object[] values = stratis(timed("CreateFilesystems", poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))",
                    StratisCalls.one(StratisCalls.s(name, StratisCalls.s(false, ""), StratisCalls.s(false, "")))));
            Object[] made = (Object[]) ((List<?>) ((Object[]) values[0])[1]).getFirst();
            filesystems.put(made[0].toString(), name);
        }

        private void rename() throws Exception {
            if (filesystems.isEmpty()) {
                return;
            }
            String path = filesystems.keySet().iterator().next();
            String name = filesystems.get(path) + "r";
            stratis(timed("SetName", path, F9, "SetName", "s", name));
            filesystems.put(path, name);
            expect("renamed filesystem's Name", name, get(path, F9, "Name"));
        }

        private void destroy() throws Exception {
            if (filesystems.size() < 3) {
                return;
            }
            String path = filesystems.keySet().iterator().next();
            stratis(timed("DestroyFilesystems", poolPath, P9, "DestroyFilesystems", "ao", List.of(new DBusPath(path))));
            filesystems.remove(path);
        }

        private Message timed(String kind, String path, String iface, String member, String signature, Object... args)
                throws Exception {
            long t0 = System.nanoTime();
            Message reply = bus.call(path, iface, member, signature, args);
            latency.get(kind).recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
            if (reply instanceof Error e) {
                throw new IllegalStateException(iface + "." + member + ": " + e.getName() + " " + e.getParameters()[0]);
            }
            return reply;
        }

        /** The payload and rc of a Stratis reply, failing on rc != 0. */
        private Object[] stratis(Message reply) throws Exception {
            Object[] values = reply.getParameters();
            int rc = ((UInt16) values[values.length - 2]).intValue();
            if (rc != 0) {
                throw new IllegalStateException(reply.getName() + " rc " + rc + ": " + values[values.length - 1]);
            }
            return values;
        }

        private void expect(String what, Object expected, Object actual) {
            if (!Objects.equals(expected, actual)) {
                problem(inconsistencies, poolName + ": " + what + " was " + actual + ", expected " + expected);
            }
        }
    }
}
