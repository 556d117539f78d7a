package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.json.Json;
import org.storage.stratisd.testsupport.DaemonProcess;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.PrivateBus;

/**
 * The packaged daemon with the real engine on this machine, over loop devices that hold what
 * upstream 3.5.9 wrote: without device-mapper (the build machines' kernel) it stops at start with
 * a clear message and writes nothing; the dump tool reads upstream's devices through
 * {@code java -jar}. What the real engine does on a kernel with device-mapper is the VM suite's
 * ({@code org.storage.stratisd.vm}, run by {@code RealKernelIT}).
 */
class RealEngineIT {

    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private LoopDevices loops;
    private Path loop0;
    private Path blank;

    @BeforeEach
    void upstreamsDevicesOnLoopDevices() throws Exception {
        assumeTrue(LoopDevices.available(), "needs root and losetup to attach loop devices");
        loops = new LoopDevices(dir);
        loop0 = loops.attach(loops.image("p1-loop0.img", Fixtures.dump("p1/loop0-first16MiB.bin.gz"), 2L << 30));
        blank = loops.attach(loops.image("blank.img", new byte[0], 1L << 30));
    }

    @AfterEach
    void detach() throws Exception {
        if (loops != null) {
            loops.close();
        }
    }

    private static String head(Path device) throws Exception {
        try (InputStream in = Files.newInputStream(device)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readNBytes(16 << 20)));
        }
    }






    @Test
    void withoutDeviceMapperTheRealEngineStopsAtStartWithAClearMessageAndWritesNothing() throws Exception {
        assumeFalse(Files.exists(Path.of("/dev/mapper/control")), "this kernel has device-mapper; the VM suite runs the real engine");
        String before = head(loop0);
        try (PrivateBus bus = PrivateBus.start(); DaemonProcess daemon = DaemonProcess.startReal(bus.address())) {
            assertThat(daemon.awaitExit(BOUND)).isEqualTo(1);
            assertThat(daemon.log()).contains("Using StratEngine")
                    .contains("stratisd: failed to start: device-mapper: /dev/mapper/control does not exist; this kernel has no"
                            + " device-mapper support");
        }
        assertThat(head(loop0)).isEqualTo(before);
    }

    @Test
    void theDumpToolRunsFromThePackagedJarOnALoopDevice() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-jar", System.getProperty("stratisd.jar"), "dump-metadata", loop0.toString(),
                "--json").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        Map<?, ?> dump = (Map<?, ?>) Json.parse(out);
        assertThat(dump.get("device")).isEqualTo(loop0.toString());
        assertThat(Json.write(dump.get("size_bytes"))).isEqualTo(Long.toString(2L << 30));
        assertThat(dump.get("pool_metadata")).isEqualTo(Fixtures.json("p1/loop0-first16MiB.mda.json"));

        Process blankDump = new ProcessBuilder(java, "-jar", System.getProperty("stratisd.jar"), "dump-metadata", blank.toString())
                .redirectErrorStream(true).start();
        assertThat(new String(blankDump.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("is not a Stratis device");
        assertThat(blankDump.waitFor()).isEqualTo(1);
    }
}
