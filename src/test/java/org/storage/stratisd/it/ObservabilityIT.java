package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.BusClient.ROOT;
import static org.storage.stratisd.testsupport.StratisCalls.createArgs;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.RunningDaemon;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * The management server of a real daemon process: health groups that flip with the daemon's life,
 * Prometheus metrics that move under load, nothing secret exposed, and loopback only.
 */
class ObservabilityIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Readiness comes a moment after the name is owned, when the application has started. */
    private static void awaitReady(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (get(port, "/actuator/health/readiness").statusCode() != 200) {
            assertThat(System.nanoTime()).as("ready within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static double metric(String scrape, String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void probesAreUpWhileServingAndReadinessTurnsOffWhenShutdownBegins() throws Exception {
        try (RunningDaemon running = RunningDaemon.start("--stratisd.sim.operation-delay=2s", "--log-level", "debug")) {
            int port = running.daemon().managementPort(Duration.ofSeconds(30));
            awaitReady(port);
            HttpResponse<String> readiness = get(port, "/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(200);
            assertThat(readiness.body()).contains("\"dbus\"").contains("\"nameOwned\":true").contains("\"treeHandler\"");
            HttpResponse<String> liveness = get(port, "/actuator/health/liveness");
            assertThat(liveness.statusCode()).isEqualTo(200);
            assertThat(liveness.body()).contains("\"udevMonitor\"").contains("\"dmMonitor\"").contains("not_applicable");

            CompletableFuture<BusClient.CommandResult> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return running.client().createPool("slow-pool", "/dev/slow");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            running.daemon().awaitLog("Admitted org.storage.stratis3.Manager.r9.CreatePool", 1, Duration.ofSeconds(30));
            running.daemon().signal("INT");
            running.daemon().awaitLog("SIGINT received; shutting down", 1, Duration.ofSeconds(30));

            HttpResponse<String> draining = get(port, "/actuator/health/readiness");
            assertThat(draining.statusCode()).as("readiness while draining").isEqualTo(503);
            assertThat(draining.body()).contains("OUT_OF_SERVICE");
            assertThat(slow.join().<String>json("$.data[2]")).isEqualTo("Ok");
            assertThat(running.daemon().awaitExit(Duration.ofSeconds(60))).isZero();
            assertThatThrownByConnect(port);
        }
    }

    private static void assertThatThrownByConnect(int port) {
        try {
            get(port, "/actuator/health");
            throw new AssertionError("the management server still answers after exit");
        } catch (ConnectException expected) {
            // gone with the process
        } catch (Exception e) {
            assertThat(e).hasRootCauseInstanceOf(ConnectException.class);
        }
    }

    @Test
    void metricsMoveUnderLoad() throws Exception {
        try (RunningDaemon running = RunningDaemon.start("--stratisd.sim.operation-delay=300ms")) {
            int port = running.daemon().managementPort(Duration.ofSeconds(30));
            String before = get(port, "/actuator/prometheus").body();
            assertThat(before).contains("stratisd_channel_depth{channel=\"dbus\"}").contains("stratisd_channel_depth{channel=\"udev\"}")
                    .contains("stratisd_method_tasks_inflight").contains("stratisd_objects{kind=\"pool\"}");

            List<CompletableFuture<BusClient.CommandResult>> load = new ArrayList<>();
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(6);
            for (int i = 0; i < 6; i++) {
                String name = "load" + i;
                load.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return running.client().createPool(name, "/dev/" + name);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, clients));
            }
            double maxInFlight = 0;
            while (!CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).isDone()) {
                maxInFlight = Math.max(maxInFlight, metric(get(port, "/actuator/prometheus").body(), "stratisd_method_tasks_inflight"));
                Thread.sleep(50);
            }
            clients.shutdown();
            String after = get(port, "/actuator/prometheus").body();

            assertThat(maxInFlight).as("method tasks in flight seen during the load").isGreaterThanOrEqualTo(2);
            assertThat(metric(after, "stratisd_objects{kind=\"pool\"}")).isEqualTo(6);
            assertThat(metric(after, "stratisd_lock_wait_seconds_count{lock=\"all\",mode=\"write\"}")).isEqualTo(6);
            assertThat(metric(after, "stratisd_lock_wait_seconds_max{lock=\"all\",mode=\"write\"}"))
                    .as("later creations waited for the pool table").isGreaterThan(0.2);
            assertThat(metric(after, "stratisd_method_calls_seconds_count{interface=\"org.storage.stratis3.Manager.r9\",method=\"CreatePool\",outcome=\"ok\"}"))
                    .isEqualTo(6);
            assertThat(metric(after, "stratisd_tree_update_latency_seconds_count")).isGreaterThanOrEqualTo(7);

            new StratisCalls(running.client()).call(ROOT, "org.storage.stratis3.Manager.r9", "CreatePool", BusClient.CREATE_POOL_R9,
                    createArgs("", List.of("/dev/x"))).failed("Provided string is empty: ");
            running.client().call("/org/storage/stratis3/999", "no.such.Iface", "Nope", "");
            String errors = get(port, "/actuator/prometheus").body();
            assertThat(metric(errors, "stratisd_method_calls_seconds_count{interface=\"org.storage.stratis3.Manager.r9\",method=\"CreatePool\",outcome=\"rc_error\"}"))
                    .isEqualTo(1);
            assertThat(errors).doesNotContain("no.such.Iface")
                    .contains("stratisd_method_calls_seconds_count{interface=\"unknown\",method=\"unknown\",outcome=\"dbus_error\"}");
        }
    }

    @Test
    void noEndpointShowsKeysOrTheEnvironment() throws Exception {
        try (RunningDaemon running = RunningDaemon.start()) {
            int port = running.daemon().managementPort(Duration.ofSeconds(30));
            String secret = "Tr0ub4dor-very-secret";
            assertThat(running.client().python("set-key", "leak-check", "pipe",
                    java.util.HexFormat.of().formatHex(secret.getBytes())).<Integer>json("$[1]")).isZero();

            for (String path : List.of("/actuator", "/actuator/health", "/actuator/prometheus", "/actuator/info")) {
                assertThat(get(port, path).body()).doesNotContain(secret);
            }
            for (String path : List.of("/actuator/env", "/actuator/configprops", "/actuator/beans", "/actuator/heapdump")) {
                assertThat(get(port, path).statusCode()).as(path).isEqualTo(404);
            }
            assertThat(running.daemon().log()).doesNotContain(secret);
        }
    }

    @Test
    void theManagementServerListensOnLoopbackOnly() throws Exception {
        try (RunningDaemon running = RunningDaemon.start()) {
            int port = running.daemon().managementPort(Duration.ofSeconds(30));
            awaitReady(port);
            assertThat(get(port, "/actuator/health").statusCode()).isEqualTo(200);
            List<InetAddress> others = new ArrayList<>();
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                        others.add(address);
                    }
                }
            }
            for (InetAddress address : others) {
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.connect(new java.net.InetSocketAddress(address, port), 2000);
                    throw new AssertionError("management port reachable on " + address);
                } catch (java.io.IOException expected) {
                    // refused: not listening there
                }
            }
            String listening = Files.readString(Path.of("/proc/net/tcp"));
            String hexPort = String.format(":%04X ", port);
            assertThat(listening.lines().filter(l -> l.contains(hexPort) && l.trim().split("\\s+")[3].equals("0A")))
                    .as("listening sockets on the management port").allSatisfy(l -> assertThat(l).contains("0100007F" + hexPort.trim()));
        }
    }
}
