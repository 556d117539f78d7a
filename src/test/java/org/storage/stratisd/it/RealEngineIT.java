package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.json.Json;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.BusClient.CommandResult;
import org.storage.stratisd.testsupport.DaemonProcess;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.PrivateBus;
import org.storage.stratisd.testsupport.Udevd;

/**
 * The packaged daemon with the real engine on a private bus, over loop devices that hold what
 * upstream 3.5.9 wrote: upstream's pools show up as stopped with their devices, the reports say
 * what assembly decided, udev events move a pool between incomplete and ready, and CreatePool
 * refuses without writing. Also the dump tool through {@code java -jar}.
 */
class RealEngineIT {

    private static final String P1 = "d738f9db9ae34b4c968faedcb51943b1";
    private static final String P2 = "93a23aa5597d49ce90114e22880a3366";
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private LoopDevices loops;
    private Path loop0;
    private Path loop1;
    private Path loop2;
    private Path luks;
    private Path blank;
    private Path loop1Image;

    @BeforeEach
    void upstreamsDevicesOnLoopDevices() throws Exception {
        assumeTrue(LoopDevices.available(), "needs root and losetup to attach loop devices");
        loops = new LoopDevices(dir);
        loop0 = loops.attach(loops.image("p1-loop0.img", Fixtures.dump("p1/loop0-first16MiB.bin.gz"), 2L << 30));
        loop1Image = loops.image("p1-loop1.img", Fixtures.dump("p1/loop1-first16MiB.bin.gz"), 2L << 30);
        loop1 = loops.attach(loop1Image);
        loop2 = loops.attach(loops.image("p1-loop2.img", Fixtures.dump("p1/loop2-first16MiB.bin.gz"), 2L << 30));
        luks = loops.attach(loops.image("p2-luks.img", Fixtures.dump("p2/luks-first32KiB.bin.gz"), 2L << 30));
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

    private static Map<?, ?> stoppedPools(BusClient client) throws Exception {
        CommandResult result = client.busctl("get-property", BusClient.NAME, BusClient.ROOT, BusClient.MANAGER_R9, "StoppedPools");
        return (Map<?, ?>) ((Map<?, ?>) Json.parse(result.out())).get("data");
    }

    private static Map<?, ?> report(BusClient client) throws Exception {
        CommandResult result = client.busctl("call", BusClient.NAME, BusClient.ROOT, "org.storage.stratis3.Report.r9",
                "GetReport", "s", "stopped_pools");
        return (Map<?, ?>) Json.parse(result.<String>json("$.data[0]"));
    }

    private static Map<?, ?> assembly(Map<?, ?> report, String pool) {
        return ((List<?>) report.get("stopped_pools")).stream().map(Map.class::cast)
                .filter(p -> p.get("pool_uuid").toString().replace("-", "").equals(pool))
                .map(p -> (Map<?, ?>) p.get("assembly")).findFirst().orElseThrow();
    }

    private static List<String> devnodes(Map<?, ?> stopped, String pool) {
        Map<?, ?> entry = (Map<?, ?>) ((Map<?, ?>) stopped.get(pool));
        List<?> devs = (List<?>) ((Map<?, ?>) entry.get("devs")).get("data");
        return devs.stream().map(d -> ((Map<?, ?>) d).get("devnode").toString()).toList();
    }

    private static void await(String what, Predicate<Void> condition) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.test(null)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void upstreamsPoolsAreFoundAndReportedAsStoppedAndNothingIsWritten() throws Exception {
        String blankBefore = head(blank);
        String loop0Before = head(loop0);
        try (PrivateBus bus = PrivateBus.start(); BusClient client = new BusClient(bus.address());
             DaemonProcess daemon = DaemonProcess.startReal(bus.address())) {
            daemon.awaitNameOwned(client, BOUND);
            assertThat(daemon.log()).contains("Using StratEngine");

            Map<?, ?> stopped = stoppedPools(client);
            assertThat(devnodes(stopped, P1)).containsExactly(loop0.toString(), loop1.toString(), loop2.toString());
            Map<?, ?> p1 = (Map<?, ?>) stopped.get(P1);
            assertThat(((Map<?, ?>) p1.get("name")).get("data")).isEqualTo("p1");
            assertThat(Json.write(p1.get("metadata_version"))).contains("\"data\":[true,1]");
            Map<?, ?> p2 = (Map<?, ?>) stopped.get(P2);
            assertThat(devnodes(stopped, P2)).containsExactly(luks.toString());
            assertThat(Json.write(p2.get("key_description"))).contains("\"data\":[true,\"p2key\"]");

            Map<?, ?> report = report(client);
            assertThat(assembly(report, P1).get("state")).isEqualTo("ready");
            assertThat(assembly(report, P2).get("state")).isEqualTo("locked");
            assertThat(((Map<?, ?>) report.get("name_to_pool_uuid_map")).get("p1")).isEqualTo("d738f9db-9ae3-4b4c-968f-aedcb51943b1");
            assertThat(((Map<?, ?>) report.get("path_to_ids_map")).get(loop1.toString()))
                    .isEqualTo(List.of("d738f9db-9ae3-4b4c-968f-aedcb51943b1", "2b6b710c-4ae1-478d-8f82-879ed7004ef2"));
            assertThat(client.managedPaths()).as("no pool objects").isEmpty();

            CommandResult member = client.createPool("new", blank.toString(), loop0.toString());
            assertThat(member.out()).contains("Device " + loop0 + " is already a member of Stratis pool"
                    + " d738f9db-9ae3-4b4c-968f-aedcb51943b1");
            CommandResult refused = client.createPool("new", blank.toString());
            assertThat(refused.out()).contains("cannot yet set them up").contains("nothing was written");
            CommandResult start = client.busctl("call", BusClient.NAME, BusClient.ROOT, "org.storage.stratis3.Manager.r4",
                    "StartPool", "ss(bs)", "p1", "name", "false", "");
            assertThat(start.out()).contains("its device-mapper layer is not implemented");
            assertThat(client.managedPaths()).as("no pool objects").isEmpty();

            daemon.signal("INT");
            assertThat(daemon.awaitExit(BOUND)).isZero();
        }
        assertThat(head(blank)).isEqualTo(blankBefore);
        assertThat(head(loop0)).isEqualTo(loop0Before);
    }

    @Test
    void udevEventsMoveAPoolBetweenIncompleteAndReady() throws Exception {
        assumeTrue(Udevd.running(), "systemd-udevd is not running here; .ci/run starts it");
        try (PrivateBus bus = PrivateBus.start(); BusClient client = new BusClient(bus.address());
             DaemonProcess daemon = DaemonProcess.startReal(bus.address())) {
            daemon.awaitNameOwned(client, BOUND);
            assertThat(assembly(report(client), P1).get("state")).isEqualTo("ready");

            loops.detach(loop1);
            await("p1 to lose " + loop1, v -> {
                try {
                    return devnodes(stoppedPools(client), P1).equals(List.of(loop0.toString(), loop2.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Map<?, ?> incomplete = assembly(report(client), P1);
            assertThat(incomplete.get("state")).isEqualTo("incomplete");
            assertThat(incomplete.get("reason").toString()).contains("2b6b710c-4ae1-478d-8f82-879ed7004ef2");

            loops.attach(loop1, loop1Image);
            await("p1 to be whole again", v -> {
                try {
                    return assembly(report(client), P1).get("state").equals("ready");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(devnodes(stoppedPools(client), P1)).containsExactly(loop0.toString(), loop1.toString(), loop2.toString());
            daemon.signal("INT");
            assertThat(daemon.awaitExit(BOUND)).isZero();
        }
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
