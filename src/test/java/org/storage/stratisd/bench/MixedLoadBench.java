package org.storage.stratisd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.json.Json;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.DaemonProcess;
import org.storage.stratisd.testsupport.PrivateBus;

/**
 * The 64-client mixed load of issue 15 as a scenario of its own (not a test: it asserts that no
 * call failed and every read was consistent): {@link MixedLoad} for {@code bench.mixed.seconds}
 * (30), the daemon as the tests run it ({@code -Xmx256m}). Reports replies per second, p50 and p99
 * per call kind, the daemon's CPU seconds per 1,000 calls and its peak resident memory (sampled
 * every 200 ms); writes {@code target/bench/mixed.json}. The figures are absolute: the client's own
 * work (dbus-java, one thread per client) is part of what they measure.
 */
class MixedLoadBench {

    private static final double SECONDS = Double.parseDouble(System.getProperty("bench.mixed.seconds", "30"));
    private static final int CLIENTS = Integer.getInteger("bench.mixed.clients", 64);

    @Test
    void sixtyFourClientsEachWithItsOwnPool() throws Exception {
        try (PrivateBus bus = PrivateBus.start(); BusClient client = new BusClient(bus.address());
             DaemonProcess daemon = DaemonProcess.start(bus.address())) {
            daemon.awaitNameOwned(client, Duration.ofSeconds(60));
            try (MixedLoad load = new MixedLoad(bus.address(), CLIENTS, "mix")) {
                DaemonSample before = DaemonSample.of(daemon.pid());
                AtomicBoolean done = new AtomicBoolean();
                AtomicLong peakRss = new AtomicLong(before.rssKib());
                CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
                    while (!done.get()) {
                        try {
                            peakRss.accumulateAndGet(DaemonSample.of(daemon.pid()).rssKib(), Math::max);
                            Thread.sleep(200);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                MixedLoad.Result result = load.run(SECONDS);
                done.set(true);
                sampler.join();
                DaemonSample after = DaemonSample.of(daemon.pid());
                Map<String, Object> report = report(result, CLIENTS, before, after, peakRss.get());
                System.out.println("mixed: " + Json.write(report));
                Files.createDirectories(Path.of("target/bench"));
                Files.writeString(Path.of("target/bench/mixed.json"), Json.write(report) + "\n");
                assertThat(result.problems()).as("errors and inconsistencies").isEmpty();
                assertThat(result.calls()).isPositive();
            }
        }
    }

    /** The figures both mixed-load benchmarks report. */
    static Map<String, Object> report(MixedLoad.Result result, int clients, DaemonSample before, DaemonSample after,
                                      long peakRssKib) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("clients", clients);
        report.put("seconds", Percentiles.figure(result.seconds()));
        report.put("calls", result.calls());
        report.put("errors", result.errors());
        report.put("inconsistencies", result.inconsistencies());
        report.put("replies_per_second", Percentiles.figure(result.calls() / result.seconds()));
        report.put("daemon_cpu_seconds_per_1000_calls",
                Percentiles.figure((after.cpuSeconds() - before.cpuSeconds()) * 1000 / Math.max(1, result.calls())));
        report.put("rss_before_mib", before.rssKib() / 1024);
        report.put("rss_peak_mib", peakRssKib / 1024);
        Map<String, Object> kinds = new LinkedHashMap<>();
        result.latencyMicros().forEach((kind, h) -> kinds.put(kind, latency(h)));
        report.put("by_kind", kinds);
        report.put("problems", result.problems());
        return report;
    }

    static Map<String, Object> latency(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calls", h.getTotalCount());
        m.put("p50_ms", Percentiles.figure(h.getValueAtPercentile(50) / 1000.0));
        m.put("p99_ms", Percentiles.figure(h.getValueAtPercentile(99) / 1000.0));
        m.put("max_ms", Percentiles.figure(h.getMaxValue() / 1000.0));
        return m;
    }
}
