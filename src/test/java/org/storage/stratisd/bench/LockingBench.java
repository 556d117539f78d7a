package org.storage.stratisd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.BusClient.ROOT;
import static org.storage.stratisd.testsupport.StratisCalls.createArgs;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.json.Json;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.RunningDaemon;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * The head-of-line benchmark of the locking issue (not a test: it asserts only that it measured).
 * With filesystem creation slowed to 2 s and 8 creations kept in flight on pool A, it measures
 * over the real bus the latency of {@code Properties.Get} of pool B's name, {@code GetManagedObjects}
 * and a filesystem rename on pool B, next to the same figures without the load, for per-pool locks
 * and for the seed's single engine mutex. Prints a table, writes {@code target/bench/locking.json}.
 */
class LockingBench {

    private static final String M9 = "org.storage.stratis3.Manager.r9";
    private static final String P9 = "org.storage.stratis3.pool.r9";
    private static final String F9 = "org.storage.stratis3.filesystem.r9";
    private static final int IN_FLIGHT = 8;

    private record Figures(String op, String locking, String load, int samples, double p50, double p99) {
    }

    @Test
    void slowCreationsOnOnePoolAgainstReadsAndWritesOnAnother() throws Exception {
        List<Figures> results = new ArrayList<>();
        for (String locking : List.of("per-pool", "engine-mutex")) {
            results.addAll(measure(locking));
        }
        StringBuilder table = new StringBuilder("\n| operation | locking | load | samples | p50 ms | p99 ms | p50 loaded/unloaded | p99 loaded/unloaded |\n|---|---|---|---|---|---|---|---|\n");
        for (Figures f : results) {
            Figures base = results.stream().filter(u -> u.op().equals(f.op()) && u.locking().equals(f.locking())
                    && u.load().equals("unloaded")).findFirst().orElseThrow();
            table.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.2f | %.2f | %.1fx | %.1fx |%n", f.op(), f.locking(), f.load(),
                    f.samples(), f.p50(), f.p99(), f.p50() / base.p50(), f.p99() / base.p99()));
        }
        System.out.println(table);
        Files.createDirectories(Path.of("target/bench"));
        List<Object> json = new ArrayList<>();
        for (Figures f : results) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("operation", f.op());
            entry.put("locking", f.locking());
            entry.put("load", f.load());
            entry.put("samples", f.samples());
            entry.put("p50_ms", Percentiles.figure(f.p50()));
            entry.put("p99_ms", Percentiles.figure(f.p99()));
            json.add(entry);
        }
        Files.writeString(Path.of("target/bench/locking.json"), Json.write(json));
        Files.writeString(Path.of("target/bench/locking.md"), table.toString());
        assertThat(results).hasSize(12);
    }

    private static List<Figures> measure(String locking) throws Exception {
        try (RunningDaemon running = RunningDaemon.start("--stratisd.locking=" + locking, "--stratisd.sim.filesystem-creation-delay=2s");
             BusClient loader = new BusClient(running.bus().address())) {
            StratisCalls calls = new StratisCalls(running.client());
            String a = ((DBusPath) ((Object[]) calls.call(ROOT, M9, "CreatePool", BusClient.CREATE_POOL_R9,
                    createArgs("A", List.of("/dev/a"))).ok().struct()[1])[0]).getPath();
            String b = ((DBusPath) ((Object[]) calls.call(ROOT, M9, "CreatePool", BusClient.CREATE_POOL_R9,
                    createArgs("B", List.of("/dev/b"))).ok().struct()[1])[0]).getPath();
            calls.set(a, P9, "FsLimit", new Variant<>(new UInt64(100000)));
            String fs = ((DBusPath) ((Object[]) ((List<?>) calls.call(b, P9, "CreateFilesystems", "a(s(bs)(bs))",
                    one(s("fb", s(false, ""), s(false, "")))).ok().struct()[1]).getFirst())[0]).getPath();

            run(running.client(), calls, b, fs, locking, "warm-up", 50);
            List<Figures> figures = new ArrayList<>(run(running.client(), calls, b, fs, locking, "unloaded", 50));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger counter = new AtomicInteger();
            StratisCalls loading = new StratisCalls(loader);
            List<Thread> load = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                load.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        try {
                            loading.call(a, P9, "CreateFilesystems", "a(s(bs)(bs))",
                                    one(s("load" + counter.incrementAndGet(), s(false, ""), s(false, "")))).ok();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }));
            }
            Thread.sleep(500);
            // Under the mutex every rename waits behind the queued creations: take few samples there.
            figures.addAll(run(running.client(), calls, b, fs, locking, "8 slow creations on A", locking.equals("per-pool") ? 50 : 3));
            stop.set(true);
            for (Thread t : load) {
                t.join();
            }
            return figures;
        }
    }

    private static List<Figures> run(BusClient client, StratisCalls calls, String poolB, String fsB, String locking, String load,
                                     int renames) throws Exception {
        List<Double> gets = new ArrayList<>();
        List<Double> gmos = new ArrayList<>();
        List<Double> renameTimes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long t0 = System.nanoTime();
            calls.get(poolB, P9, "Name");
            gets.add((System.nanoTime() - t0) / 1e6);
        }
        for (int i = 0; i < 100; i++) {
            long t0 = System.nanoTime();
            client.managedObjects();
            gmos.add((System.nanoTime() - t0) / 1e6);
        }
        for (int i = 0; i < renames; i++) {
            long t0 = System.nanoTime();
            calls.call(fsB, F9, "SetName", "s", "fb-" + load.length() + "-" + i + "-" + locking.length()).ok();
            renameTimes.add((System.nanoTime() - t0) / 1e6);
        }
        return List.of(figures("Properties.Get pool B Name", locking, load, gets),
                figures("GetManagedObjects", locking, load, gmos),
                figures("filesystem rename on pool B", locking, load, renameTimes));
    }

    private static Figures figures(String op, String locking, String load, List<Double> samples) {
        List<Double> sorted = samples.stream().sorted().toList();
        return new Figures(op, locking, load, sorted.size(), Percentiles.of(sorted, 0.50), Percentiles.of(sorted, 0.99));
    }

}
