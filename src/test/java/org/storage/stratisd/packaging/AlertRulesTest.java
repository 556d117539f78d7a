package org.storage.stratisd.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped alert rules, checked by Prometheus' own {@code promtool}: the rule file is valid, and
 * the unit tests beside it pass, with every alert of the file tested. Without promtool the test is
 * skipped, unless {@code STRATISD_REQUIRE_PROMETHEUS=1} (as {@code .ci/run} sets it).
 */
class AlertRulesTest {

    private static final Path DIR = Path.of("ops/prometheus");

    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        } catch (IOException missing) {
            assertThat(System.getenv("STRATISD_REQUIRE_PROMETHEUS")).as("promtool is required but missing").isNotEqualTo("1");
            assumeTrue(false, "No promtool (Debian package prometheus; .ci/run installs it)");
            throw missing;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool %s:%n%s", String.join(" ", args), out).isZero();
        return out;
    }

    @Test
    void theRulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", "stratisd-rules.yml")).contains("SUCCESS");
    }

    @Test
    void everyAlertHasUnitTestsAndTheyPass() throws Exception {
        assertThat(promtool("test", "rules", "stratisd-rules.test.yml")).contains("SUCCESS");
        assertThat(tested()).as("alerts with a promtool test").isEqualTo(alerts());
    }

    @SuppressWarnings("unchecked")
    private static Set<String> alerts() throws IOException {
        Map<String, Object> rules = new Yaml().load(Files.readString(DIR.resolve("stratisd-rules.yml")));
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                names.add((String) rule.get("alert"));
            }
        }
        return names;
    }

    /** Alerts that some test expects to fire (a test that only expects silence does not count). */
    @SuppressWarnings("unchecked")
    private static Set<String> tested() throws IOException {
        Map<String, Object> tests = new Yaml().load(Files.readString(DIR.resolve("stratisd-rules.test.yml")));
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
            for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
                if (!((List<Object>) check.get("exp_alerts")).isEmpty()) {
                    names.add((String) check.get("alertname"));
                }
            }
        }
        return names;
    }
}
