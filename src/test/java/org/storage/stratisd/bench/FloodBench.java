package org.storage.stratisd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.json.Json;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.DaemonProcess;
import org.storage.stratisd.testsupport.PrivateBus;

/**
 * A flood of 100,000 calls over 64 connections (issue 16, item 2), over the real bus (not a test:
 * it asserts that no call was lost and no memory ran out): {@code GetManagedObjects} of a tree
 * with one pool and ten filesystems, 64 connections keeping 128 calls outstanding each (8,192 in
 * flight against the 512 running; dbus-daemon's stock limit per connection), 1,563 calls per
 * connection. The daemon runs as the tests run it ({@code -Xmx256m}); its heap in use and its
 * resident memory are sampled every 100 ms. Writes {@code target/bench/flood.json}.
 */
class FloodBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aHundredThousandCallsOverSixtyFourConnections() throws Exception {
        Path bin = NativeTools.build();
        try (PrivateBus bus = PrivateBus.start(); BusClient client = new BusClient(bus.address());
             DaemonProcess daemon = DaemonProcess.start(bus.address())) {
            daemon.awaitNameOwned(client, Duration.ofSeconds(60));
            String pool = client.createPool("flood", "/dev/flood").<String>json("$.data[0][1][0]");
            for (int i = 0; i < 10; i++) {
                assertThat(client.busctl("call", BusClient.NAME, pool, "org.storage.stratis3.pool.r9", "CreateFilesystems",
                        "a(s(bs)(bs))", "1", "fs" + i, "false", "", "false", "").exitCode()).isZero();
            }
            int port = daemon.managementPort(Duration.ofSeconds(60));
            long rssBefore = DaemonSample.of(daemon.pid()).rssKib();
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong peakRss = new AtomicLong();
            AtomicLong peakHeap = new AtomicLong();
            AtomicLong peakWaiting = new AtomicLong();
            AtomicLong peakLive = new AtomicLong();
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    try {
                        peakRss.accumulateAndGet(DaemonSample.of(daemon.pid()).rssKib(), Math::max);
                        String scrape = scrape(port);
                        peakHeap.accumulateAndGet((long) sum(scrape, "jvm_memory_used_bytes\\{area=\"heap\"[^}]*}"), Math::max);
                        peakWaiting.accumulateAndGet((long) sum(scrape, "stratisd_method_tasks_waiting"), Math::max);
                        peakLive.accumulateAndGet((long) sum(scrape, "jvm_gc_live_data_size_bytes"), Math::max);
                        Thread.sleep(100);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            ProcessBuilder builder = new ProcessBuilder(bin.resolve("flood").toString(), bus.address(), "64", "128", "120",
                    BusClient.NAME, BusClient.ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("FLOOD_CALLS", "1563");
            Process flood = builder.start();
            String out = new String(flood.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = flood.waitFor();
            done.set(true);
            sampler.join();
            Map<?, ?> f = (Map<?, ?>) Json.parse(out);
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("calls", f.get("calls"));
            results.put("errors", f.get("errors"));
            results.put("seconds", f.get("seconds"));
            results.put("calls_per_second", f.get("calls_per_second"));
            results.put("rss_before_mib", rssBefore / 1024);
            results.put("rss_peak_mib", peakRss.get() / 1024);
            results.put("heap_peak_mib", peakHeap.get() >> 20);
            results.put("heap_limit_mib", 256);
            results.put("waiting_peak", peakWaiting.get());
            results.put("live_after_gc_peak_mib", peakLive.get() >> 20);
            System.out.println("flood: " + Json.write(results));
            Files.createDirectories(Path.of("target/bench"));
            Files.writeString(Path.of("target/bench/flood.json"), Json.write(results) + "\n");
            assertThat(rc).as(out).isZero();
            assertThat(((Number) f.get("calls")).longValue()).isEqualTo(64 * 1563);
            assertThat(daemon.log()).doesNotContain("OutOfMemoryError");
            assertThat(daemon.isAlive()).isTrue();
        }
    }

    private static String scrape(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double sum(String scrape, String series) {
        Matcher m = Pattern.compile("^" + series + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
