package org.storage.stratisd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.StratisCalls.createArgs;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.json.Json;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.RunningDaemon;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * The benchmark suite over the real bus (not a test: it asserts only that it measured and that
 * no call failed). Floors, measured in the same run on the same bus with the same libdbus load
 * driver: (1) {@code Peer.Ping} answered by dbus-daemon itself, (2) {@code Properties.Get}
 * answered by a minimal libdbus service. Scenarios: 1, {@code Properties.Get} of a pool's
 * {@code Name} with 1, 8 and 64 clients; 2, {@code GetManagedObjects} with 100, 1,000 and 10,000
 * filesystems; 5, SIGINT to exit, idle and with 100 calls in flight; 7, 1,000 {@code
 * CreateFilesystems} one after another, and create+destroy pairs per second from 1 and 8
 * clients on separate pools; 4, simulated udev events at 1,000/s under load, from event to
 * {@code InterfacesAdded}. (Scenario 3 is {@link LockingBench}.) Prints tables and writes
 * {@code target/bench/suite.json}, {@code suite.md} and {@code suite.png}.
 */
class BusSuiteBench {

    private static final String M9 = "org.storage.stratis3.Manager.r9";
    private static final String P9 = "org.storage.stratis3.pool.r9";
    private static final String ECHO = "org.example.Echo";
    private static final double SECONDS = Double.parseDouble(System.getProperty("bench.seconds", "3"));

    /** One load-driver run. */
    record Load(String target, int clients, long calls, long errors, double callsPerSecond, double p50, double p90, double p99,
                double max, long replyBytes) {
    }

    @Test
    void suite() throws Exception {
        Path bin = NativeTools.build();
        Map<String, Object> results = new LinkedHashMap<>();
        List<Load> throughput = new ArrayList<>();
        List<Map<String, Object>> gmo = new ArrayList<>();
        Map<String, Object> mutations = new LinkedHashMap<>();
        try (RunningDaemon running = RunningDaemon.start(Path.of("src/test/resources/bench-bus.conf"), Map.of(),
                "--stratisd.max-message-bytes=134217728")) {
            String address = running.bus().address();
            Process echo = new ProcessBuilder(bin.resolve("echo").toString(), address, ECHO).redirectErrorStream(true).start();
            try {
                assertThat(new BufferedReader(new InputStreamReader(echo.getInputStream(), StandardCharsets.UTF_8)).readLine())
                        .isEqualTo("ready");
                StratisCalls calls = new StratisCalls(running.client());
                String pool = poolPath(calls, "bench", "/dev/bench");
                for (int clients : List.of(1, 8, 64)) {
                    throughput.add(load(bin, address, "floor 1: Peer.Ping (dbus-daemon)", clients, "org.freedesktop.DBus",
                            "/org/freedesktop/DBus", "org.freedesktop.DBus.Peer", "Ping"));
                    throughput.add(load(bin, address, "floor 2: Properties.Get (libdbus echo)", clients, ECHO, "/x",
                            "org.freedesktop.DBus.Properties", "Get", P9, "Name"));
                    throughput.add(load(bin, address, "scenario 1: Properties.Get pool Name (stratisd)", clients, BusClient.NAME, pool,
                            "org.freedesktop.DBus.Properties", "Get", P9, "Name"));
                }
                gmo.addAll(managedObjects(bin, address, calls, running.daemon().pid()));
                mutations.putAll(mutations(calls, running));
            } finally {
                echo.destroy();
            }
        }
        Map<String, Object> events = eventPath(bin);
        Map<String, Object> shutdown = shutdown();

        results.put("machine", machine());
        results.put("throughput", throughput.stream().map(BusSuiteBench::json).toList());
        results.put("get_managed_objects", gmo);
        results.put("mutations", mutations);
        results.put("event_path", events);
        results.put("shutdown", shutdown);
        String table = tables(throughput, gmo, mutations, events, shutdown);
        System.out.println(table);
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/suite.json"), Json.write(results) + "\n");
        Files.writeString(Path.of("target/bench/suite.md"), table);
        SuitePlot.render(throughput, gmo, Path.of("target/bench/suite.png"));
        assertThat(throughput).allSatisfy(l -> assertThat(l.errors()).as(l.target()).isZero());
    }

    private static String poolPath(StratisCalls calls, String name, String device) throws Exception {
        return ((DBusPath) ((Object[]) calls.call(BusClient.ROOT, M9, "CreatePool", BusClient.CREATE_POOL_R9,
                createArgs(name, List.of(device))).ok().struct()[1])[0]).getPath();
    }

    static Load load(Path bin, String address, String target, int clients, String... call) throws Exception {
        return load(bin, address, target, clients, null, call);
    }

    static Load load(Path bin, String address, String target, int clients, Path saveReply, String... call) throws Exception {
        List<String> command = new ArrayList<>(List.of(bin.resolve("loadgen").toString(), address, Integer.toString(clients),
                Double.toString(SECONDS)));
        command.addAll(List.of(call));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (saveReply != null) {
            builder.environment().put("LOADGEN_SAVE_REPLY", saveReply.toAbsolutePath().toString());
        }
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Map<?, ?> m = (Map<?, ?>) Json.parse(out);
        return new Load(target, clients, (long) num(m, "calls"), (long) num(m, "errors"), num(m, "calls_per_second"),
                num(m, "p50_us") / 1000, num(m, "p90_us") / 1000, num(m, "p99_us") / 1000, num(m, "max_us") / 1000,
                (long) num(m, "reply_bytes"));
    }

    private static double num(Map<?, ?> m, String key) {
        return Percentiles.number(m.get(key));
    }

    private static List<Map<String, Object>> managedObjects(Path bin, String address, StratisCalls calls, long pid) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        String pool = poolPath(calls, "gmo", "/dev/gmo");
        calls.set(pool, P9, "FsLimit", new Variant<>(new UInt64(20_000)));
        int created = 0;
        for (int size : List.of(100, 1_000, 10_000)) {
            // One per request: the API (as upstream 3.9) creates one filesystem per call.
            long t0 = System.nanoTime();
            int before = created;
            while (created < size) {
                calls.call(pool, P9, "CreateFilesystems", "a(s(bs)(bs))", one(s("f" + created, s(false, ""), s(false, "")))).ok();
                created++;
            }
            System.out.printf(Locale.ROOT, "created %d filesystems in %.1f s%n", created - before, (System.nanoTime() - t0) / 1e9);
            Path saved = Path.of("target/bench/gmo-" + size + ".bin");
            DaemonSample cpuBefore = DaemonSample.of(pid);
            Load l = load(bin, address, "GetManagedObjects", 1, saved, BusClient.NAME, BusClient.ROOT,
                    "org.freedesktop.DBus.ObjectManager", "GetManagedObjects");
            // The driver counts the calls of its measured seconds only, after a warm-up of a quarter
            // of them at the same rate: the daemon's CPU time covers both.
            double cpuMsPerCall = (DaemonSample.of(pid).cpuSeconds() - cpuBefore.cpuSeconds()) * 1000 / (l.calls() * 1.25);
            // The floor: the libdbus service sends the very same message (replayed from the bytes
            // just received) through the same bus to the same driver.
            Load floor = load(bin, address, "GetManagedObjects replayed by libdbus echo", 1, ECHO, "/x", ECHO, "Replay",
                    saved.toAbsolutePath().toString());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("filesystems", size);
            row.put("reply_bytes", l.replyBytes());
            row.put("calls", l.calls());
            row.put("errors", l.errors());
            row.put("p50_ms", raw(l.p50()));
            row.put("p99_ms", raw(l.p99()));
            row.put("max_ms", raw(l.max()));
            row.put("floor_p50_ms", raw(floor.p50()));
            row.put("floor_p99_ms", raw(floor.p99()));
            row.put("daemon_cpu_ms_per_call", raw(cpuMsPerCall));
            out.add(row);
            assertThat(l.errors()).as("GetManagedObjects errors at %d filesystems", size).isZero();
            assertThat(floor.errors()).as("replay errors at %d filesystems", size).isZero();
        }
        return out;
    }

    private static Map<String, Object> mutations(StratisCalls calls, RunningDaemon running) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        String pool = poolPath(calls, "seq", "/dev/seq");
        calls.set(pool, P9, "FsLimit", new Variant<>(new UInt64(2_000)));
        long t0 = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            calls.call(pool, P9, "CreateFilesystems", "a(s(bs)(bs))", one(s("s" + i, s(false, ""), s(false, "")))).ok();
        }
        out.put("sequential_create_filesystems_1000_seconds", raw((System.nanoTime() - t0) / 1e9));
        for (int clients : List.of(1, 8)) {
            List<String> pools = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                pools.add(poolPath(calls, "pairs" + clients + "-" + c, "/dev/pairs" + clients + "-" + c));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong pairs = new AtomicLong();
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            List<BusClient> clientsOpen = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                BusClient client = new BusClient(running.bus().address());
                clientsOpen.add(client);
                StratisCalls own = new StratisCalls(client);
                String p = pools.get(c);
                workers.add(CompletableFuture.runAsync(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        try {
                            Object[] created = own.call(p, P9, "CreateFilesystems", "a(s(bs)(bs))",
                                    one(s("x" + i++, s(false, ""), s(false, "")))).ok().struct();
                            DBusPath fs = (DBusPath) ((Object[]) ((List<?>) created[1]).getFirst())[0];
                            own.call(p, P9, "DestroyFilesystems", "ao", List.of(fs)).ok();
                            pairs.incrementAndGet();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
            }
            Thread.sleep((long) (SECONDS * 250));
            long before = pairs.get();
            long start = System.nanoTime();
            Thread.sleep((long) (SECONDS * 1000));
            long done = pairs.get() - before;
            double seconds = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
            clientsOpen.forEach(BusClient::close);
            out.put("create_destroy_pairs_per_second_" + clients + "_clients", raw(done / seconds));
        }
        return out;
    }

    /**
     * Scenario 4: simulated udev events for new pools, injected at 1,000/s through the daemon's
     * injection socket while 8 libdbus clients keep calling {@code Properties.Get}; the time from
     * writing an event to a libdbus subscriber ({@code bench/c/sigwatch.c}) receiving its pool's
     * {@code InterfacesAdded}. Both ends read CLOCK_MONOTONIC ({@code System.nanoTime} here).
     */
    private static Map<String, Object> eventPath(Path bin) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        Path socket = Files.createTempDirectory("stratisd-inject").resolve("inject.sock");
        int rate = 1_000;
        int events = (int) (rate * SECONDS);
        try (RunningDaemon running = RunningDaemon.start("--stratisd.sim.udev-injection-socket=" + socket)) {
            StratisCalls calls = new StratisCalls(running.client());
            String pool = poolPath(calls, "loaded", "/dev/loaded");
            Process watcher = new ProcessBuilder(bin.resolve("sigwatch").toString(), running.bus().address(), BusClient.NAME, P9,
                    Integer.toString(events), Double.toString(SECONDS + 30)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader watched = new BufferedReader(new InputStreamReader(watcher.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(watched.readLine()).isEqualTo("ready");
            CompletableFuture<Load> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return load(bin, running.bus().address(), "scenario 1 load during scenario 4", 8, BusClient.NAME, pool,
                            "org.freedesktop.DBus.Properties", "Get", P9, "Name");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep((long) (SECONDS * 250) + 200);
            Map<String, Long> sent = new LinkedHashMap<>();
            try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                    java.net.UnixDomainSocketAddress.of(socket))) {
                long start = System.nanoTime();
                for (int i = 0; i < events; i++) {
                    long due = start + i * 1_000_000_000L / rate;
                    while (System.nanoTime() < due) {
                        Thread.onSpinWait();
                    }
                    String name = "ev" + i;
                    sent.put(name, System.nanoTime());
                    java.nio.ByteBuffer line = java.nio.ByteBuffer.wrap(("add " + name + "\n").getBytes(StandardCharsets.US_ASCII));
                    while (line.hasRemaining()) {
                        channel.write(line);
                    }
                }
            }
            Map<String, Long> received = new LinkedHashMap<>();
            for (String line = watched.readLine(); line != null; line = watched.readLine()) {
                String[] fields = line.split(" ");
                received.put(fields[0], Long.parseLong(fields[1]));
            }
            watcher.waitFor();
            Load during = load.join();
            List<Double> latencies = sent.entrySet().stream().filter(e -> received.containsKey(e.getKey()))
                    .map(e -> (received.get(e.getKey()) - e.getValue()) / 1e6).sorted().toList();
            out.put("events_injected", events);
            out.put("events_signalled", latencies.size());
            out.put("event_to_interfaces_added_p50_ms", raw(Percentiles.of(latencies, 0.50)));
            out.put("event_to_interfaces_added_p99_ms", raw(Percentiles.of(latencies, 0.99)));
            out.put("event_to_interfaces_added_max_ms", raw(latencies.isEmpty() ? 0 : latencies.getLast()));
            out.put("properties_get_calls_per_second_during_events", raw(during.callsPerSecond()));
            assertThat(latencies).as("every injected event signalled").hasSize(events);
        }
        return out;
    }

    private static Map<String, Object> shutdown() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (RunningDaemon running = RunningDaemon.start()) {
            long t0 = System.nanoTime();
            running.daemon().signal("INT");
            assertThat(running.daemon().awaitExit(Duration.ofSeconds(30))).isZero();
            out.put("idle_sigint_to_exit_ms", raw((System.nanoTime() - t0) / 1e6));
        }
        try (RunningDaemon running = RunningDaemon.start("--stratisd.sim.filesystem-creation-delay=1s")) {
            StratisCalls calls = new StratisCalls(running.client());
            List<String> pools = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                pools.add(poolPath(calls, "sd" + i, "/dev/sd" + i));
            }
            List<CompletableFuture<Boolean>> inFlight = new ArrayList<>();
            var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            for (String p : pools) {
                inFlight.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        calls.call(p, P9, "CreateFilesystems", "a(s(bs)(bs))", one(s("late", s(false, ""), s(false, "")))).ok();
                        return true;
                    } catch (Exception | AssertionError e) {
                        return false;
                    }
                }, executor));
            }
            Thread.sleep(300);
            long t0 = System.nanoTime();
            running.daemon().signal("INT");
            assertThat(running.daemon().awaitExit(Duration.ofSeconds(60))).isZero();
            out.put("in_flight_100_sigint_to_exit_ms", raw((System.nanoTime() - t0) / 1e6));
            long answered = inFlight.stream().filter(CompletableFuture::join).count();
            out.put("in_flight_100_answered_ok", answered);
        }
        return out;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", java.time.LocalDate.now().toString());
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("seconds_per_run", raw(SECONDS));
        return m;
    }

    private static Map<String, Object> json(Load l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", l.target());
        m.put("clients", l.clients());
        m.put("calls", l.calls());
        m.put("errors", l.errors());
        m.put("calls_per_second", raw(l.callsPerSecond()));
        m.put("p50_ms", raw(l.p50()));
        m.put("p90_ms", raw(l.p90()));
        m.put("p99_ms", raw(l.p99()));
        m.put("max_ms", raw(l.max()));
        return m;
    }

    private static BigDecimal raw(double value) {
        return Percentiles.figure(value);
    }

    private static String tables(List<Load> throughput, List<Map<String, Object>> gmo, Map<String, Object> mutations,
                                 Map<String, Object> events, Map<String, Object> shutdown) {
        StringBuilder t = new StringBuilder("\n| target | clients | calls/s | p50 ms | p99 ms | calls/s vs floor 2 | p99 vs floor 2 |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Load l : throughput) {
            Load floor = throughput.stream().filter(f -> f.target().startsWith("floor 2") && f.clients() == l.clients())
                    .findFirst().orElseThrow();
            t.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.3f | %.3f | %.2fx | %.2fx |%n", l.target(), l.clients(),
                    l.callsPerSecond(), l.p50(), l.p99(), l.callsPerSecond() / floor.callsPerSecond(), l.p99() / floor.p99()));
        }
        t.append("\n| GetManagedObjects, filesystems | reply bytes | calls | p50 ms | p99 ms | floor p50 ms | floor p99 ms | p50 vs floor | daemon CPU ms per call |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : gmo) {
            double p50 = Percentiles.number(row.get("p50_ms"));
            double floorP50 = Percentiles.number(row.get("floor_p50_ms"));
            t.append("| ").append(row.get("filesystems")).append(" | ").append(row.get("reply_bytes")).append(" | ")
                    .append(row.get("calls")).append(" | ")
                    .append(row.get("p50_ms")).append(" | ")
                    .append(row.get("p99_ms")).append(" | ")
                    .append(row.get("floor_p50_ms")).append(" | ")
                    .append(row.get("floor_p99_ms")).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2fx", p50 / floorP50)).append(" | ")
                    .append(row.get("daemon_cpu_ms_per_call")).append(" |\n");
        }
        t.append("\n| mutations, event path and shutdown | value |\n|---|---|\n");
        for (Map<String, Object> m : List.of(mutations, events, shutdown)) {
            m.forEach((k, v) -> t.append("| ").append(k).append(" | ")
                    .append(v).append(" |\n"));
        }
        return t.toString();
    }
}
