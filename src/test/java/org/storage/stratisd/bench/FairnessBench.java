package org.storage.stratisd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.json.Json;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.RunningDaemon;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * Fairness between callers (issue 16, item 3), over the real bus (not a test: it asserts only that
 * it measured and that no call failed). One client floods the daemon from 8 connections with 128
 * calls outstanding each (dbus-daemon's stock limit per connection), so 1,024 in flight against the
 * daemon's bound of 512 method tasks; a second client calls {@code Introspect} of another pool
 * back to back (a read of the tree that takes a method task, as {@code Properties.Get} no longer
 * does). Its p50 and p99 are measured without the flood (the floor) and during it, once
 * with calls waiting per sender (round-robin, the default) and once in one queue in arrival order.
 * Two floods: {@code GetManagedObjects} (reads, each quick), and {@code AddDataDevs([])} on the
 * flooder's own pool with the simulator's operation delay of 2 ms (writes, serialised by that
 * pool's lock, so the method tasks are what queues). Writes {@code target/bench/fairness.json}.
 */
class FairnessBench {

    private static final String M9 = "org.storage.stratis3.Manager.r9";
    private static final String P9 = "org.storage.stratis3.pool.r9";
    private static final double SECONDS = Double.parseDouble(System.getProperty("bench.seconds", "3"));

    /** One flood: what the flooding client calls, on its own pool or the root. */
    private record Flood(String name, String path, String iface, String member, String... args) {
    }

    @Test
    void theOtherSendersLatencyWhileOneSenderFloods() throws Exception {
        Path bin = NativeTools.build();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", Runtime.getRuntime().availableProcessors() + " cpus");
        List<String> rows = new ArrayList<>();
        for (String kind : List.of("reads", "writes")) {
            for (String order : List.of("per-sender", "arrival")) {
                try (RunningDaemon running = RunningDaemon.start(Path.of("src/test/resources/bench-bus.conf"), Map.of(),
                        "--stratisd.method-call-order=" + order, "--stratisd.sim.operation-delay=" + (kind.equals("writes") ? "2ms" : "0s"))) {
                    String address = running.bus().address();
                    StratisCalls calls = new StratisCalls(running.client());
                    String flooders = pool(calls, "flooders");
                    String victims = pool(calls, "victims");
                    Flood flood = kind.equals("reads")
                            ? new Flood("GetManagedObjects", BusClient.ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
                            : new Flood("AddDataDevs([]) on its own pool, 2 ms each", flooders, P9, "AddDataDevs", "[]");
                    String[] victim = {BusClient.NAME, victims, "org.freedesktop.DBus.Introspectable", "Introspect"};
                    BusSuiteBench.Load quiet = BusSuiteBench.load(bin, address, "Introspect, no flood", 1, victim);
                    List<String> command = new ArrayList<>(List.of(bin.resolve("flood").toString(), address, "8", "128",
                            Double.toString(SECONDS * 1.25 + 3), BusClient.NAME, flood.path(), flood.iface(), flood.member()));
                    command.addAll(List.of(flood.args()));
                    Process flooding = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    Thread.sleep(1500);
                    BusSuiteBench.Load flooded = BusSuiteBench.load(bin, address, "Introspect during the flood", 1, victim);
                    String floodOut = new String(flooding.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(flooding.waitFor()).as("flood: " + floodOut).isZero();
                    Map<?, ?> f = (Map<?, ?>) Json.parse(floodOut);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("flood", flood.name());
                    row.put("order", order);
                    row.put("quiet_p50_ms", quiet.p50());
                    row.put("quiet_p99_ms", quiet.p99());
                    row.put("flooded_p50_ms", flooded.p50());
                    row.put("flooded_p99_ms", flooded.p99());
                    row.put("flooded_calls", flooded.calls());
                    row.put("p99_ratio_to_quiet", flooded.p99() / quiet.p99());
                    row.put("flood_calls_per_second", f.get("calls_per_second"));
                    results.put(kind + " " + order, row);
                    rows.add(String.format(Locale.ROOT, "| %s | %s | %.2f / %.2f | %.2f / %.2f | %.0fx | %d | %s |", flood.name(), order,
                            quiet.p50(), quiet.p99(), flooded.p50(), flooded.p99(), flooded.p99() / quiet.p99(), flooded.calls(),
                            f.get("calls_per_second")));
                    assertThat(quiet.errors() + flooded.errors()).isZero();
                }
            }
        }
        String table = "| flood | waiting calls | other sender p50 / p99, no flood (ms) | during the flood (ms) | p99 ratio"
                + " | its calls | flood calls/s |\n|---|---|---|---|---|---|---|\n" + String.join("\n", rows) + "\n";
        System.out.println(table);
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/fairness.json"), Json.write(results) + "\n");
        Files.writeString(Path.of("target/bench/fairness.md"), table);
    }

    private static String pool(StratisCalls calls, String name) throws Exception {
        return ((DBusPath) ((Object[]) calls.call(BusClient.ROOT, M9, "CreatePool", BusClient.CREATE_POOL_R9,
                StratisCalls.createArgs(name, List.of("/dev/" + name))).ok().struct()[1])[0]).getPath();
    }
}
