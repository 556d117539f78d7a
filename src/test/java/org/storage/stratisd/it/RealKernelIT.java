package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real-kernel suite: boots the VM of {@code src/test/vm} once ({@code scripts/vm-test.sh}) and
 * runs every in-VM test class ({@code org.storage.stratisd.vm.*InVm}) inside it, against the
 * packaged daemon, on loop devices, with device-mapper, XFS and udev. Here on the host only the
 * outcome is judged: the guest's JUnit report must list tests, all passed.
 *
 * <p>Skipped, saying so, where the VM has not been built ({@code src/test/vm/setup.sh}); fails
 * instead when {@code STRATISD_REQUIRE_VM=1} (as {@code .ci/run} sets it).
 */
class RealKernelIT {

    private static final Path VM = Path.of(System.getenv().getOrDefault("STRATISD_VM_DIR", "/var/tmp/stratisd-java-vm"));
    private static final Path REPORTS = Path.of("target/vm-share/reports");

    @Test
    void theInVmSuitePassesOnARealKernel() throws Exception {
        boolean built = Files.isRegularFile(VM.resolve("rootfs.img")) && Files.isExecutable(VM.resolve("run-in-vm.sh"));
        if (!"1".equals(System.getenv("STRATISD_REQUIRE_VM"))) {
            assumeTrue(built, "the VM is not built in " + VM + "; run src/test/vm/setup.sh (as .ci/run does) to run the real-kernel suite");
        }
        assertThat(built).as("VM built in %s", VM).isTrue();
        Process suite = new ProcessBuilder("scripts/vm-test.sh").redirectErrorStream(true)
                .redirectOutput(Path.of("target/vm-suite.log").toFile()).start();
        int status = suite.waitFor();
        String log = Files.readString(Path.of("target/vm-suite.log"), StandardCharsets.UTF_8);
        System.out.println(tail(log, 80));
        Report report = report();
        assertThat(report.tests()).as("tests run in the VM (see target/vm-suite.log)").isPositive();
        assertThat(report.failures()).as("failed in the VM (see target/vm-suite.log, target/vm-share/logs)").isEmpty();
        assertThat(status).as("VM suite status (see target/vm-suite.log)").isZero();
    }

    /** The tests counted and the failures named in the guest's JUnit XML reports. */
    private record Report(int tests, List<String> failures) {
    }

    private static Report report() throws IOException {
        int tests = 0;
        List<String> failures = new ArrayList<>();
        if (!Files.isDirectory(REPORTS)) {
            return new Report(0, List.of("no reports in " + REPORTS));
        }
        Pattern suite = Pattern.compile("<testsuite [^>]*tests=\"(\\d+)\"");
        Pattern failed = Pattern.compile("<testcase name=\"([^\"]*)\" classname=\"([^\"]*)\"[^>]*>\\s*<(failure|error)");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(REPORTS, "*.xml")) {
            for (Path file : files) {
                String xml = Files.readString(file, StandardCharsets.UTF_8);
                Matcher m = suite.matcher(xml);
                while (m.find()) {
                    tests += Integer.parseInt(m.group(1));
                }
                Matcher f = failed.matcher(xml);
                while (f.find()) {
                    failures.add(f.group(2) + "." + f.group(1));
                }
            }
        }
        return new Report(tests, failures);
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().filter(l -> !l.matches("^\\[ *[0-9.]+\\].*")).toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
