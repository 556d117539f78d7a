package org.storage.stratisd.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The systemd unit and the D-Bus activation file: verified by systemd itself, and the rules they must state. */
class SystemdFilesTest {

    private static final Path UNIT = Path.of("systemd/stratisd.service");

    /** Runs systemd-analyze verify on a copy of the unit whose ExecStart points at the launcher in the tree. */
    private static String[] verify(String unitText, Path dir) throws Exception {
        Path unit = dir.resolve("stratisd.service");
        Files.writeString(unit, unitText.replace("/usr/libexec/stratisd-java", Path.of("systemd/stratisd-java").toAbsolutePath().toString()));
        Process process = new ProcessBuilder("systemd-analyze", "verify", "--man=no", unit.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new String[] {Integer.toString(process.waitFor()), output};
    }

    private static boolean systemdAnalyzeAvailable() {
        try {
            return new ProcessBuilder("systemd-analyze", "--version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void systemdAcceptsTheUnit(@TempDir Path dir) throws Exception {
        assumeTrue(systemdAnalyzeAvailable(), "systemd-analyze is not installed");
        String[] result = verify(Files.readString(UNIT), dir);
        assertThat(result[1]).as("systemd-analyze output").isEmpty();
        assertThat(result[0]).isEqualTo("0");
    }

    @Test
    void systemdRejectsABrokenCopy(@TempDir Path dir) throws Exception {
        assumeTrue(systemdAnalyzeAvailable(), "systemd-analyze is not installed");
        String[] result = verify(Files.readString(UNIT).replace("Type=dbus", "Type=dbuss"), dir);
        assertThat(result[1]).contains("Failed to parse service type").contains("dbuss");
    }

    @Test
    void theUnitStatesHowTheDaemonRunsAndStops() throws Exception {
        List<String> lines = Files.readAllLines(UNIT);
        assertThat(lines).contains("Type=dbus", "BusName=org.storage.stratis3", "KillSignal=SIGINT", "Restart=on-failure");
        assertThat(Files.isExecutable(Path.of("systemd/stratisd-java"))).isTrue();
    }

    @Test
    void theActivationFileStartsTheUnit() throws Exception {
        assertThat(Files.readAllLines(Path.of("systemd/org.storage.stratis3.service")))
                .contains("[D-BUS Service]", "Name=org.storage.stratis3", "SystemdService=stratisd.service", "User=root");
    }
}
