package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.BusClient.ROOT;
import static org.storage.stratisd.testsupport.StratisCalls.createArgs;
import static org.storage.stratisd.testsupport.StratisCalls.o;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;

import com.jayway.jsonpath.JsonPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.messages.Error;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.RunningDaemon;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * Concurrency over the real bus with per-pool locking: clients read their own writes every time,
 * random concurrent histories from several clients leave the tree equal to the engine, and the
 * seed's rename-versus-destroy race never corrupts the tree.
 */
class ConcurrencyIT {

    private static final String M9 = "org.storage.stratis3.Manager.r9";
    private static final String P9 = "org.storage.stratis3.pool.r9";
    private static final String F9 = "org.storage.stratis3.filesystem.r9";
    private static final int CLIENTS = 6;

    private static RunningDaemon running;
    private static final List<BusClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        running = RunningDaemon.start();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new BusClient(running.bus().address()));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (BusClient c : clients) {
            c.close();
        }
        if (running != null) {
            running.close();
        }
    }

    private static StratisCalls calls(int client) {
        return new StratisCalls(clients.get(client));
    }

    @Test
    void aClientAlwaysReadsItsOwnWrites() throws Exception {
        StratisCalls stratis = calls(0);
        BusClient client = clients.get(0);
        int misses = 0;
        for (int i = 0; i < 1000; i++) {
            String name = "ryw" + i;
            String pool = ((DBusPath) ((Object[]) stratis.call(ROOT, M9, "CreatePool", BusClient.CREATE_POOL_R9,
                    createArgs(name, List.of("/dev/ryw" + i))).ok().struct()[1])[0]).getPath();
            misses += client.managedPaths().contains(pool) ? 0 : 1;
            stratis.call(pool, P9, "SetName", "s", name + "-renamed").ok();
            misses += name(client, pool, P9).equals(name + "-renamed") ? 0 : 1;
            Object[] created = stratis.call(pool, P9, "CreateFilesystems", "a(s(bs)(bs))",
                    one(s("fs", s(false, ""), s(false, "")))).ok().struct();
            String fs = ((DBusPath) ((Object[]) ((List<?>) created[1]).getFirst())[0]).getPath();
            String snap = ((DBusPath) stratis.call(pool, P9, "SnapshotFilesystem", "os", o(fs), "snap").ok().struct()[1]).getPath();
            misses += client.managedPaths().containsAll(List.of(fs, snap)) ? 0 : 1;
            stratis.call(pool, P9, "DestroyFilesystems", "ao", List.of(o(fs), o(snap))).ok();
            stratis.call(ROOT, M9, "DestroyPool", "o", o(pool)).ok();
            misses += client.managedPaths().contains(pool) || client.managedPaths().contains(fs) ? 1 : 0;
        }
        assertThat(misses).isZero();
    }

    @RepeatedTest(4)
    void randomConcurrentHistoriesLeaveTheTreeEqualToTheEngine(RepetitionInfo repetition) throws Exception {
        long seed = 0x5EED0000L + repetition.getCurrentRepetition();
        List<String> pools = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            String name = "hist" + seed + "-" + p;
            pools.add(((DBusPath) ((Object[]) calls(0).call(ROOT, M9, "CreatePool", BusClient.CREATE_POOL_R9,
                    createArgs(name, List.of("/dev/" + name))).ok().struct()[1])[0]).getPath());
        }
        CyclicBarrier start = new CyclicBarrier(CLIENTS);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(CLIENTS);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            workers.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    history(client, new Random(seed * 31 + client), pools);
                } catch (Exception e) {
                    throw new IllegalStateException("history of client " + client + " with seed " + seed, e);
                }
            }, threads));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        threads.shutdown();

        assertTreeEqualsEngine("seed " + seed);
        for (String pool : pools) {
            for (String fs : filesystemsOf(pool)) {
                calls(0).call(fs, F9, "SetName", "s", "x" + fs.substring(fs.lastIndexOf('/') + 1));
            }
            calls(0).call(pool, P9, "DestroyFilesystems", "ao", filesystemsOf(pool).stream().map(p -> (Object) o(p)).toList());
            calls(0).call(ROOT, M9, "DestroyPool", "o", o(pool)).ok();
        }
    }

    /** One client's random operations on the shared pools; refusals are fine, corruption is not. */
    private static void history(int client, Random random, List<String> pools) throws Exception {
        StratisCalls stratis = calls(client);
        for (int i = 0; i < 60; i++) {
            String pool = pools.get(random.nextInt(pools.size()));
            List<String> filesystems = filesystemsOf(pool);
            String name = "c" + client + "-" + random.nextInt(6);
            switch (random.nextInt(6)) {
                case 0, 1 -> stratis.call(pool, P9, "CreateFilesystems", "a(s(bs)(bs))", one(s(name, s(false, ""), s(false, ""))));
                case 2 -> {
                    if (!filesystems.isEmpty()) {
                        String fs = filesystems.get(random.nextInt(filesystems.size()));
                        rawCall(client, fs, F9, "SetName", "s", name);
                    }
                }
                case 3 -> {
                    if (!filesystems.isEmpty()) {
                        stratis.call(pool, P9, "DestroyFilesystems", "ao", one(o(filesystems.get(random.nextInt(filesystems.size())))));
                    }
                }
                case 4 -> {
                    if (!filesystems.isEmpty()) {
                        stratis.call(pool, P9, "SnapshotFilesystem", "os", o(filesystems.get(random.nextInt(filesystems.size()))), name);
                    }
                }
                default -> stratis.call(pool, P9, "SetName", "s", "hist-" + client + "-" + random.nextInt(1000));
            }
        }
    }

    /** A call that may meet an object another client just removed: then a D-Bus error is the answer. */
    private static void rawCall(int client, String path, String iface, String member, String signature, Object... args)
            throws Exception {
        Message reply = clients.get(client).call(path, iface, member, signature, args);
        if (reply instanceof Error error) {
            assertThat(error.getName()).isEqualTo("org.freedesktop.DBus.Error.UnknownObject");
        }
    }

    @Test
    void renameRacingDestroyOnOneFilesystemNeverCorruptsTheTree() throws Exception {
        String pool = ((DBusPath) ((Object[]) calls(0).call(ROOT, M9, "CreatePool", BusClient.CREATE_POOL_R9,
                createArgs("race", List.of("/dev/race"))).ok().struct()[1])[0]).getPath();
        java.util.concurrent.ExecutorService pair = java.util.concurrent.Executors.newFixedThreadPool(2);
        for (int i = 0; i < 100; i++) {
            Object[] created = calls(0).call(pool, P9, "CreateFilesystems", "a(s(bs)(bs))",
                    one(s("victim" + i, s(false, ""), s(false, "")))).ok().struct();
            String fs = ((DBusPath) ((Object[]) ((List<?>) created[1]).getFirst())[0]).getPath();
            CyclicBarrier together = new CyclicBarrier(2);
            CompletableFuture<Void> rename = CompletableFuture.runAsync(() -> {
                try {
                    together.await();
                    rawCall(1, fs, F9, "SetName", "s", "renamed" + System.nanoTime());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pair);
            CompletableFuture<Void> destroy = CompletableFuture.runAsync(() -> {
                try {
                    together.await();
                    calls(2).call(pool, P9, "DestroyFilesystems", "ao", one(o(fs))).ok();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pair);
            CompletableFuture.allOf(rename, destroy).get(30, TimeUnit.SECONDS);
            assertThat(clients.get(0).managedPaths()).doesNotContain(fs);
        }
        pair.shutdown();
        assertTreeEqualsEngine("after the races");
        calls(0).call(ROOT, M9, "DestroyPool", "o", o(pool)).ok();
    }

    private static String name(BusClient client, String path, String iface) throws Exception {
        return (String) client.get(path, iface, "Name");
    }

    private static List<String> filesystemsOf(String pool) throws Exception {
        List<String> result = new ArrayList<>();
        clients.get(0).managedObjects().forEach((path, ifaces) -> {
            Map<String, Variant<?>> fs = ifaces.get(F9);
            if (fs != null && ((DBusPath) fs.get("Pool").getValue()).getPath().equals(pool)) {
                result.add(path.getPath());
            }
        });
        return result;
    }

    /**
     * The tree (GetManagedObjects) against the engine's own state (EngineStateReport): the same pools
     * with the same names, filesystems with names, pools and origins, and block devices; every object
     * with all ten revisions.
     */
    private static void assertTreeEqualsEngine(String context) throws Exception {
        Set<String> treePools = new TreeSet<>();
        Set<String> treeFilesystems = new TreeSet<>();
        Set<String> treeBlockdevs = new TreeSet<>();
        Map<String, String> poolUuidByPath = new HashMap<>();
        var objects = clients.get(0).managedObjects();
        objects.forEach((path, ifaces) -> {
            Map<String, Variant<?>> pool = ifaces.get(P9);
            if (pool != null) {
                poolUuidByPath.put(path.getPath(), (String) pool.get("Uuid").getValue());
            }
        });
        objects.forEach((path, ifaces) -> {
            assertThat(ifaces).as("%s: every revision of %s", context, path.getPath()).hasSize(10);
            if (ifaces.containsKey(P9)) {
                treePools.add(ifaces.get(P9).get("Uuid").getValue() + " " + ifaces.get(P9).get("Name").getValue());
            } else if (ifaces.containsKey(F9)) {
                Map<String, Variant<?>> fs = ifaces.get(F9);
                Object[] origin = (Object[]) fs.get("Origin").getValue();
                treeFilesystems.add(fs.get("Uuid").getValue() + " " + fs.get("Name").getValue() + " "
                        + poolUuidByPath.get(((DBusPath) fs.get("Pool").getValue()).getPath()) + " "
                        + ((Boolean) origin[0] ? origin[1] : "none"));
            } else {
                Map<String, Variant<?>> dev = ifaces.get("org.storage.stratis3.blockdev.r9");
                treeBlockdevs.add(dev.get("Uuid").getValue() + " " + poolUuidByPath.get(((DBusPath) dev.get("Pool").getValue()).getPath()));
            }
        });
        String report = (String) calls(0).call(ROOT, M9, "EngineStateReport", "").ok().payload();
        Set<String> enginePools = new TreeSet<>();
        Set<String> engineFilesystems = new TreeSet<>();
        Set<String> engineBlockdevs = new HashSet<>();
        List<Map<String, Object>> pools = JsonPath.read(report, "$.pools");
        for (Map<String, Object> pool : pools) {
            String uuid = simple((String) pool.get("pool_uuid"));
            enginePools.add(uuid + " " + pool.get("name"));
            for (Map<String, Object> fs : JsonPath.<List<Map<String, Object>>>read(pool, "$.filesystems")) {
                String origin = (String) fs.get("origin");
                engineFilesystems.add(simple((String) fs.get("uuid")) + " " + fs.get("name") + " " + uuid + " "
                        + (origin.equals("Not set") ? "none" : simple(origin)));
            }
            for (Map<String, Object> dev : JsonPath.<List<Map<String, Object>>>read(pool, "$.blockdevs.datadevs")) {
                engineBlockdevs.add(simple((String) dev.get("uuid")) + " " + uuid);
            }
        }
        assertThat(treePools).as("%s: pools", context).isEqualTo(enginePools);
        assertThat(treeFilesystems).as("%s: filesystems", context).isEqualTo(engineFilesystems);
        assertThat(treeBlockdevs).as("%s: block devices", context).isEqualTo(engineBlockdevs);
    }

    private static String simple(String hyphenated) {
        return hyphenated.replace("-", "");
    }
}
