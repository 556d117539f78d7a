package org.storage.stratisd.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The Helm chart, linted and rendered with helm-java (no helm binary), and its manifests checked. */
class HelmChartTest {

    private static final Path CHART = Path.of("helm/stratisd");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> render(Map<String, String> values) {
        var template = new Helm(CHART).template().withName("storage").withNamespace("stratis");
        values.forEach(template::set);
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Object document : new Yaml().loadAll(template.call())) {
            if (document != null) {
                manifests.add((Map<String, Object>) document);
            }
        }
        return manifests;
    }

    private static Map<String, Object> kind(List<Map<String, Object>> manifests, String kind) {
        return manifests.stream().filter(m -> kind.equals(m.get("kind"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... keys) {
        Object current = node;
        for (String key : keys) {
            current = key.matches("\\d+") ? ((List<Object>) current).get(Integer.parseInt(key)) : ((Map<String, Object>) current).get(key);
        }
        return (T) current;
    }

    @Test
    void theChartLintsClean() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as("lint: %s", result.getMessages()).isFalse();
    }

    @Test
    void theDaemonSetRunsPrivilegedOnLabelledNodesWithTheHostMountsAndProbes() {
        Map<String, Object> daemonSet = kind(render(Map.of()), "DaemonSet");
        Map<String, Object> pod = at(daemonSet, "spec", "template", "spec");
        Map<String, Object> container = at(pod, "containers", "0");

        assertThat((Map<String, Object>) at(pod, "nodeSelector")).containsEntry("stratis.storage/node", "true");
        assertThat((Boolean) at(container, "securityContext", "privileged")).isTrue();
        assertThat((List<String>) at(container, "args")).contains("--sim", "--server.address=0.0.0.0", "--server.port=9184");
        assertThat((String) at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat((String) at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
        assertThat((String) at(container, "resources", "requests", "memory")).isEqualTo("320Mi");
        List<Map<String, Object>> volumes = at(pod, "volumes");
        assertThat(volumes).extracting(v -> at(v, "hostPath", "path")).containsExactly("/dev", "/run/udev", "/run/dbus", "/etc/machine-id");
        assertThat((List<Map<String, Object>>) at(container, "volumeMounts")).extracting(m -> m.get("mountPath"))
                .containsExactly("/dev", "/run/udev", "/run/dbus", "/etc/machine-id");
        assertThat((Map<String, Object>) at(daemonSet, "spec", "template", "metadata", "annotations"))
                .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/path", "/actuator/prometheus");
        assertThat((Integer) at(pod, "terminationGracePeriodSeconds")).isGreaterThan(60);
    }

    @Test
    void aServiceMonitorOnlyWhenAskedFor() {
        assertThat(render(Map.of())).extracting(m -> m.get("kind")).containsExactly("DaemonSet");
        List<Map<String, Object>> withMonitor = render(Map.of("prometheus.serviceMonitor.enabled", "true",
                "prometheus.scrapeAnnotations", "false"));
        assertThat(withMonitor).extracting(m -> m.get("kind")).containsExactlyInAnyOrder("DaemonSet", "Service", "ServiceMonitor");
        assertThat((String) at(kind(withMonitor, "ServiceMonitor"), "spec", "endpoints", "0", "path")).isEqualTo("/actuator/prometheus");
        assertThat((Object) at(kind(withMonitor, "DaemonSet"), "spec", "template", "metadata", "annotations")).isNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void alertRulesAndDashboardOnlyWhenAskedForAndAsShippedInOps() throws Exception {
        List<Map<String, Object>> both = render(Map.of("prometheus.rules.enabled", "true", "grafana.dashboard.enabled", "true"));
        assertThat(both).extracting(m -> m.get("kind")).containsExactlyInAnyOrder("DaemonSet", "PrometheusRule", "ConfigMap");
        Map<String, Object> shipped = new Yaml().load(Files.readString(Path.of("ops/prometheus/stratisd-rules.yml")));
        assertThat((Object) at(kind(both, "PrometheusRule"), "spec")).isEqualTo(shipped);
        List<Map<String, Object>> groups = at(kind(both, "PrometheusRule"), "spec", "groups");
        assertThat(groups).flatExtracting(g -> (List<Map<String, Object>>) g.get("rules")).extracting(r -> r.get("alert"))
                .contains("StratisPoolUsageHigh", "StratisdNotReady");
        Map<String, Object> configMap = kind(both, "ConfigMap");
        assertThat((Map<String, Object>) at(configMap, "metadata", "labels")).containsEntry("grafana_dashboard", "1");
        assertThat((String) at(configMap, "data", "stratisd-dashboard.json"))
                .isEqualTo(Files.readString(Path.of("ops/grafana/stratisd-dashboard.json")).strip());
    }

    @Test
    void valuesReachTheManifest() {
        Map<String, Object> container = at(kind(render(Map.of("engine", "real", "management.port", "9999", "logLevel", "debug")),
                "DaemonSet"), "spec", "template", "spec", "containers", "0");
        assertThat((List<String>) at(container, "args")).doesNotContain("--sim").contains("--server.port=9999", "debug");
        assertThat((Integer) at(container, "ports", "0", "containerPort")).isEqualTo(9999);
    }
}
