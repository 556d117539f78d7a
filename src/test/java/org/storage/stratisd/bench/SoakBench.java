package org.storage.stratisd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.json.Json;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.DaemonProcess;
import org.storage.stratisd.testsupport.PrivateBus;

/**
 * Soak (issue 16, item 4; not a test: it asserts that no call failed and every read was
 * consistent): the 16-client {@link MixedLoad} for {@code bench.soak.seconds} (600), the daemon's
 * resident memory, live threads and open descriptors sampled every {@code bench.soak.sample-seconds}
 * (10). After a warm-up (the first fifth of the run, at most two minutes), each is fitted with a
 * least-squares line and its slope reported per minute, with its range; writes
 * {@code target/bench/soak.json}.
 */
class SoakBench {

    private static final double SECONDS = Double.parseDouble(System.getProperty("bench.soak.seconds", "600"));
    private static final double SAMPLE_SECONDS = Double.parseDouble(System.getProperty("bench.soak.sample-seconds", "10"));
    private static final int CLIENTS = 16;

    /** One sample, at {@code seconds} after the load began. */
    record Point(double seconds, DaemonSample sample) {
    }

    @Test
    void tenMinutesOfSixteenClients() throws Exception {
        try (PrivateBus bus = PrivateBus.start(); BusClient client = new BusClient(bus.address());
             DaemonProcess daemon = DaemonProcess.start(bus.address())) {
            daemon.awaitNameOwned(client, Duration.ofSeconds(60));
            try (MixedLoad load = new MixedLoad(bus.address(), CLIENTS, "soak")) {
                long start = System.nanoTime();
                DaemonSample first = DaemonSample.of(daemon.pid());
                CompletableFuture<MixedLoad.Result> running = CompletableFuture.supplyAsync(() -> {
                    try {
                        return load.run(SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                List<Point> points = new ArrayList<>();
                points.add(new Point(0, first));
                while (!running.isDone()) {
                    Thread.sleep((long) (SAMPLE_SECONDS * 1000));
                    if (!running.isDone()) {
                        points.add(new Point((System.nanoTime() - start) / 1e9, DaemonSample.of(daemon.pid())));
                    }
                }
                MixedLoad.Result result = running.join();
                DaemonSample last = DaemonSample.of(daemon.pid());
                double warmUp = Math.min(120, SECONDS / 5);
                List<Point> steady = points.stream().filter(p -> p.seconds() >= warmUp).toList();
                long peakRss = points.stream().mapToLong(p -> p.sample().rssKib()).max().orElse(0);
                Map<String, Object> report = MixedLoadBench.report(result, CLIENTS, first, last, peakRss);
                report.put("warm_up_seconds", Percentiles.figure(warmUp));
                report.put("samples_after_warm_up", steady.size());
                report.put("rss_mib", trend(steady, p -> p.sample().rssKib() / 1024.0));
                report.put("threads", trend(steady, p -> p.sample().threads()));
                report.put("fds", trend(steady, p -> p.sample().fds()));
                List<List<Object>> series = new ArrayList<>();
                for (Point p : points) {
                    series.add(List.of(Percentiles.figure(p.seconds()), p.sample().rssKib() / 1024, p.sample().threads(),
                            p.sample().fds()));
                }
                report.put("samples_seconds_rss_mib_threads_fds", series);
                System.out.println("soak: " + Json.write(report));
                Files.createDirectories(Path.of("target/bench"));
                Files.writeString(Path.of("target/bench/soak.json"), Json.write(report) + "\n");
                assertThat(result.problems()).as("errors and inconsistencies").isEmpty();
                assertThat(steady).as("samples after the warm-up").hasSizeGreaterThan(2);
                assertThat(daemon.isAlive()).isTrue();
            }
        }
    }

    /** The least-squares slope per minute of a series, its first and last values and its range. */
    static Map<String, Object> trend(List<Point> points, ToDoubleFunction<Point> value) {
        int n = points.size();
        double mx = points.stream().mapToDouble(Point::seconds).average().orElse(0);
        double my = points.stream().mapToDouble(value).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (Point p : points) {
            sxy += (p.seconds() - mx) * (value.applyAsDouble(p) - my);
            sxx += (p.seconds() - mx) * (p.seconds() - mx);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slope_per_minute", Percentiles.figure(sxx == 0 ? 0 : sxy / sxx * 60));
        m.put("first", Percentiles.figure(n == 0 ? 0 : value.applyAsDouble(points.getFirst())));
        m.put("last", Percentiles.figure(n == 0 ? 0 : value.applyAsDouble(points.getLast())));
        m.put("min", Percentiles.figure(points.stream().mapToDouble(value).min().orElse(0)));
        m.put("max", Percentiles.figure(points.stream().mapToDouble(value).max().orElse(0)));
        return m;
    }
}
