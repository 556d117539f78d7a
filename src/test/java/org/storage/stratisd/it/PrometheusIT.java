package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.RunningDaemon;

/**
 * The shipped alert rules and dashboard against a real Prometheus server scraping a real daemon
 * (simulator, sizes from the devices so a pool can fill) on loopback: the daemon is driven over
 * D-Bus into the states the alerts describe, and Prometheus' own HTTP API must show the series,
 * the alerts firing and then resolving, and data for every dashboard query.
 *
 * <p>The rules are the shipped file with only its durations shortened (every {@code for:} to 2 s,
 * every 5-minute rate window to 20 s), so that a test takes seconds rather than an hour; the
 * durations themselves are checked by {@code promtool test rules} ({@code AlertRulesTest}).
 * With {@code -Ddashboard.data=FILE} the test also writes each panel's series over the run, for
 * {@code scripts/dashboard-picture.sh}.
 */
class PrometheusIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RULES = Path.of("ops/prometheus/stratisd-rules.yml");
    private static final Path DASHBOARD = Path.of("ops/grafana/stratisd-dashboard.json");
    private static final String POOL_R9 = "org.storage.stratis3.pool.r9";
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void alertsFireAndResolveAndEveryDashboardQueryHasData() throws Exception {
        Path prometheusBin = findPrometheus();
        Instant begin = Instant.now();
        try (RunningDaemon running = RunningDaemon.start("--stratisd.sim.capacity=devices", "--stratisd.storage-metrics-refresh=200ms");
             Prometheus prometheus = Prometheus.start(prometheusBin, dir,
                     running.daemon().managementPort(Duration.ofSeconds(30)))) {
            BusClient client = running.client();
            prometheus.awaitValue("stratisd_ready", 1);

            // A pool of two 1 GiB devices; filesystems use half their size in the simulator.
            String full = poolPath(client.createPool("full", "/dev/fa", "/dev/fb"));
            client.createPool("idle", "/dev/ia");
            String f1 = createFilesystem(client, full, "f1", 2 * GIB);                 // 1 GiB of 2 used: 50 %
            prometheus.awaitValue("100 * stratisd_pool_physical_used_bytes{pool_name=\"full\"}"
                    + " / stratisd_pool_physical_size_bytes{pool_name=\"full\"}", 50);
            assertThat(prometheus.firing()).as("nothing fires at 50 %").isEmpty();

            String f2 = createFilesystem(client, full, "f2", 3 * GIB / 2);             // 1.75 GiB: 87.5 %
            prometheus.awaitFiring("StratisPoolUsageHigh", Map.of("pool_name", "full"));
            assertThat(prometheus.firing()).as("only the warning at 87.5 %")
                    .containsExactly("StratisPoolUsageHigh{pool_name=full}");

            String f3 = createFilesystem(client, full, "f3", GIB);                     // capped: 100 %, no space
            prometheus.awaitFiring("StratisPoolOutOfSpace", Map.of("pool_name", "full"));
            prometheus.awaitFiring("StratisPoolUsageCritical", Map.of("pool_name", "full"));

            assertThat(client.callManager("StopPool", "ss", "idle", "name").exitCode()).isZero();
            prometheus.awaitFiring("StratisPoolNotRunning", Map.of("pool_name", "idle", "state", "stopped"));

            // Refused calls (an empty pool name) as a misbehaving client would make them, spread over
            // several scrapes: a counter's first sample is its baseline, so a burst inside one scrape
            // interval would show no rate at all.
            for (int i = 0; i < 40; i++) {
                assertThat(client.createPool("", "/dev/err").<Integer>json("$.data[1]")).isEqualTo(1);
                Thread.sleep(100);
            }
            prometheus.awaitFiring("StratisdMethodErrorsRising", Map.of());

            Set<String> series = prometheus.metricNames("stratisd_");
            assertThat(series).contains("stratisd_pool_physical_size_bytes", "stratisd_pool_physical_used_bytes",
                    "stratisd_pool_allocated_bytes", "stratisd_pool_logical_size_bytes", "stratisd_pool_filesystems",
                    "stratisd_pool_filesystem_limit", "stratisd_pool_overprovisioning", "stratisd_pool_no_alloc_space",
                    "stratisd_pool_encrypted", "stratisd_pool_cache", "stratisd_pool_thin_data_used_bytes",
                    "stratisd_pool_thin_metadata_used_bytes", "stratisd_pool_thin_metadata_size_bytes",
                    "stratisd_filesystem_size_bytes", "stratisd_filesystem_used_bytes", "stratisd_pool_state",
                    "stratisd_pools", "stratisd_ready", "stratisd_component_up");
            List<String> empty = prometheus.emptyPanels(JSON.readTree(DASHBOARD.toFile()));
            assertThat(empty).as("dashboard panels whose queries return no data").isEmpty();

            // Back to health: the pool emptied, the stopped pool started, no more refused calls.
            destroyFilesystems(client, full, f3, f2);
            BusClient.CommandResult start = client.busctl("call", BusClient.NAME, BusClient.ROOT, "org.storage.stratis3.Manager.r3",
                    "StartPool", "s(bs)", poolUuidOf(prometheus, "idle"), "false", "");
            assertThat(start.<Integer>json("$.data[1]")).as(start.out()).isZero();
            prometheus.awaitNotFiring("StratisPoolUsageHigh");
            prometheus.awaitNotFiring("StratisPoolUsageCritical");
            prometheus.awaitNotFiring("StratisPoolOutOfSpace");
            prometheus.awaitNotFiring("StratisPoolNotRunning");
            prometheus.awaitNotFiring("StratisdMethodErrorsRising");

            // A renamed pool leaves no series under its old name.
            assertThat(client.busctl("call", BusClient.NAME, full, POOL_R9, "SetName", "s", "emptied").exitCode()).isZero();
            prometheus.awaitValue("count(stratisd_pool_physical_size_bytes{pool_name=\"emptied\"})", 1);
            prometheus.awaitEmpty("stratisd_pool_physical_size_bytes{pool_name=\"full\"}");
            assertThat(f1).isNotEmpty();

            String out = System.getProperty("dashboard.data", "");
            if (!out.isEmpty()) {
                prometheus.writePanelData(JSON.readTree(DASHBOARD.toFile()), begin, Instant.now(), Path.of(out));
            }
        }
    }

    private static Path findPrometheus() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(d, "prometheus");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        boolean required = "1".equals(System.getenv("STRATISD_REQUIRE_PROMETHEUS"));
        assertThat(required).as("prometheus is required (STRATISD_REQUIRE_PROMETHEUS=1) but not on PATH").isFalse();
        assumeTrue(false, "No prometheus on PATH (Debian package prometheus; .ci/run installs it)");
        return null;
    }

    private static String poolPath(BusClient.CommandResult created) {
        assertThat(created.<Integer>json("$.data[1]")).as(created.out()).isZero();
        return created.json("$.data[0][1][0]");
    }

    private static String createFilesystem(BusClient client, String pool, String name, long bytes) throws Exception {
        BusClient.CommandResult r = client.busctl("call", BusClient.NAME, pool, POOL_R9, "CreateFilesystems", "a(s(bs)(bs))",
                "1", name, "true", Long.toString(bytes), "false", "");
        assertThat(r.<Integer>json("$.data[1]")).as(r.out()).isZero();
        return r.json("$.data[0][1][0][0]");
    }

    private static void destroyFilesystems(BusClient client, String pool, String... paths) throws Exception {
        List<String> args = new ArrayList<>(List.of("call", BusClient.NAME, pool, POOL_R9, "DestroyFilesystems", "ao",
                Integer.toString(paths.length)));
        args.addAll(List.of(paths));
        BusClient.CommandResult r = client.busctl(args.toArray(String[]::new));
        assertThat(r.<Integer>json("$.data[1]")).as(r.out()).isZero();
    }

    private static String poolUuidOf(Prometheus prometheus, String name) throws Exception {
        JsonNode result = prometheus.query("stratisd_pool_state{pool_name=\"" + name + "\"}");
        assertThat(result).as("pool " + name + " known to Prometheus").hasSize(1);
        return result.get(0).get("metric").get("pool_uuid").asString();
    }

    /** A Prometheus server on loopback scraping one daemon every second, with the shipped rules (durations shortened). */
    private record Prometheus(Process process, int port, Path log) implements AutoCloseable {

        static Prometheus start(Path binary, Path dir, int daemonPort) throws Exception {
            String rules = Files.readString(RULES)
                    .replaceAll("for: \\d+m", "for: 2s")
                    .replace("[5m]", "[20s]");
            assertThat(rules).doesNotContain("for: 1m").doesNotContain("[5m]");
            Files.writeString(dir.resolve("rules.yml"), rules);
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files:
                      - rules.yml
                    scrape_configs:
                      - job_name: stratisd
                        metrics_path: /actuator/prometheus
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(daemonPort));
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = dir.resolve("prometheus.log");
            Process process = new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Prometheus p = new Prometheus(process, port, log);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(URI.create(p.base() + "/-/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return p;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    p.close();
                    throw new IllegalStateException("Prometheus did not become ready:\n" + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }

        String base() {
            return "http://127.0.0.1:" + port;
        }

        JsonNode api(String pathAndQuery) throws Exception {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.path("status").asString()).as(pathAndQuery + ": " + r.body()).isEqualTo("success");
            return body.get("data");
        }

        JsonNode query(String promql) throws Exception {
            return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).get("result");
        }

        /** Firing alerts as {@code name{label=value,...}} with the labels that tell them apart (pool, state). */
        List<String> firing() throws Exception {
            List<String> out = new ArrayList<>();
            for (JsonNode a : api("/api/v1/alerts").get("alerts")) {
                if (a.get("state").asString().equals("firing")) {
                    JsonNode l = a.get("labels");
                    out.add(l.get("alertname").asString() + (l.has("pool_name") ? "{pool_name=" + l.get("pool_name").asString() + "}" : ""));
                }
            }
            return out;
        }

        private boolean alertIs(String name, Map<String, String> labels, Predicate<String> state) throws Exception {
            for (JsonNode a : api("/api/v1/alerts").get("alerts")) {
                JsonNode l = a.get("labels");
                if (l.get("alertname").asString().equals(name)
                        && labels.entrySet().stream().allMatch(e -> e.getValue().equals(l.path(e.getKey()).asString()))
                        && state.test(a.get("state").asString())) {
                    return true;
                }
            }
            return false;
        }

        void awaitFiring(String name, Map<String, String> labels) throws Exception {
            await(name + " " + labels + " firing", () -> alertIs(name, labels, "firing"::equals));
        }

        void awaitNotFiring(String name) throws Exception {
            await(name + " resolved", () -> !alertIs(name, Map.of(), s -> true));
        }

        void awaitValue(String promql, double expected) throws Exception {
            await(promql + " = " + expected, () -> {
                JsonNode r = query(promql);
                return r.size() == 1 && Math.abs(r.get(0).get("value").get(1).asDouble() - expected) < 1e-6;
            });
        }

        void awaitEmpty(String promql) throws Exception {
            await(promql + " has no current series", () -> query(promql).isEmpty());
        }

        private interface Check {
            boolean holds() throws Exception;
        }

        private void await(String what, Check check) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!check.holds()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Timed out waiting for " + what + "; firing: " + firing()
                            + "\nPrometheus log:\n" + Files.readString(log));
                }
                Thread.sleep(250);
            }
        }

        Set<String> metricNames(String prefix) throws Exception {
            Set<String> names = new TreeSet<>();
            api("/api/v1/label/__name__/values").forEach(n -> {
                if (n.asString().startsWith(prefix)) {
                    names.add(n.asString());
                }
            });
            return names;
        }

        /** The titles of panels with a query that returns no series now. */
        List<String> emptyPanels(JsonNode dashboard) throws Exception {
            List<String> empty = new ArrayList<>();
            for (JsonNode panel : dashboard.get("panels")) {
                for (JsonNode target : panel.get("targets")) {
                    if (query(target.get("expr").asString()).isEmpty()) {
                        empty.add(panel.get("title").asString() + ": " + target.get("expr").asString());
                    }
                }
            }
            return empty;
        }

        /** Every panel's series over the run, one query_range per target, as JSON for the picture script. */
        void writePanelData(JsonNode dashboard, Instant from, Instant to, Path out) throws Exception {
            ArrayNode panels = JSON.createArrayNode();
            for (JsonNode panel : dashboard.get("panels")) {
                ObjectNode p = panels.addObject();
                p.put("title", panel.get("title").asString());
                p.put("unit", panel.at("/fieldConfig/defaults/unit").asString());
                ArrayNode targets = p.putArray("targets");
                for (JsonNode target : panel.get("targets")) {
                    ObjectNode t = targets.addObject();
                    t.put("legend", target.path("legendFormat").asString());
                    t.set("result", api("/api/v1/query_range?step=1&start=" + from.getEpochSecond() + "&end=" + (to.getEpochSecond() + 1)
                            + "&query=" + URLEncoder.encode(target.get("expr").asString(), StandardCharsets.UTF_8)).get("result"));
                }
            }
            Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(panels));
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
