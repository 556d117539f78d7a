package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.engine.strat.metadata.MetadataArea;
import org.storage.stratisd.json.Json;
import org.storage.stratisd.testsupport.LoopDevices;

/**
 * Pools that upstream 3.5.9 made (real-engine spec §9 rows 4, 11): pool p1's two data devices
 * rebuilt from what the fixture holds (their first 16 MiB: signature blocks, metadata, thin
 * metadata), its metadata volume rebuilt with the fixture's three records, set up by our daemon
 * into the stack upstream's own tables describe; upstream's encrypted p2 reported as locked; and
 * p1, missing a device at start, set up once the device appears.
 *
 * <p>The fixture's newest metadata has the cache tier that upstream added last; this test damages
 * that region in its copies, so the metadata in force is upstream's previous one, from before
 * {@code InitCache}, whose stack is the fixture's step b. p1 with its cache is {@link UpstreamCacheInVm}'s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpstreamPoolsInVm {

    private static final String P1 = "d738f9db9ae34b4c968faedcb51943b1";
    private static final String P1_UUID = "d738f9db-9ae3-4b4c-968f-aedcb51943b1";
    private static final long TWO_GIB = 2L << 30;
    /** Where p1's metadata volume lies on loop1: cap offset 7322240, less loop0's 4186112 sectors, after the BDA. */
    private static final long MDV_ON_LOOP1 = 8192 + (7322240 - 4186112);

    private static LoopDevices loops;
    private static Path image0;
    private static Path image1;
    private static Path loop0;
    private static Path loop1;
    private static RealDaemon daemon;

    @BeforeAll
    static void upstreamsDevices() throws Exception {
        loops = new LoopDevices(Guest.scratch("upstream"));
        image0 = loops.image("p1-loop0.img", Fixtures.dump("p1/loop0-first16MiB.bin.gz"), TWO_GIB);
        image1 = loops.image("p1-loop1.img", Fixtures.dump("p1/loop1-first16MiB.bin.gz"), TWO_GIB);
        for (Path image : List.of(image0, image1)) {
            damageNewestMetadata(image);
        }
        rebuildMetadataVolume(image1);
        loop0 = loops.attach(image0);
        loop1 = loops.attach(image1);
        loops.attach(loops.image("p2-luks.img", Fixtures.dump("p2/luks-first32KiB.bin.gz"), TWO_GIB));
        daemon = RealDaemon.start("upstream");
    }

    /** Breaks the data CRC of regions 0 and 2 (the newer primary and its copy), leaving regions 1 and 3. */
    private static void damageNewestMetadata(Path image) throws Exception {
        try (FileChannel f = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int region : new int[] {0, 2}) {
                long at = MetadataArea.regionOffset(region) + 32;
                ByteBuffer b = ByteBuffer.allocate(1);
                f.read(b, at);
                b.put(0, (byte) (b.get(0) ^ 0x55)).rewind();
                f.write(b, at);
            }
        }
    }

    /** An XFS with the pool's UUID where p1's metadata volume lies, holding the fixture's three records. */
    static void rebuildMetadataVolume(Path image) throws Exception {
        String loop = Guest.run("losetup", "-f", "--show", "-o", Long.toString(MDV_ON_LOOP1 * 512), "--sizelimit",
                Long.toString(1048576L * 512), image.toString()).strip();
        try {
            Guest.run("mkfs.xfs", "-f", "-q", "-m", "uuid=" + P1_UUID, loop);
            Guest.run("mkdir", "-p", "/mnt/upstream-mdv");
            Guest.run("mount", loop, "/mnt/upstream-mdv");
            Guest.run("mkdir", "-p", "/mnt/upstream-mdv/filesystems");
            for (String fs : List.of("192840e7519b4af9a088de78ebaa2401", "d3987c4ad45443688092f1b8039af345",
                    "ec03fd99513e441194f5f4408c36ed05")) {
                java.nio.file.Files.writeString(Path.of("/mnt/upstream-mdv/filesystems/" + fs + ".json"),
                        Fixtures.text("p1/mdv/" + fs + ".json"));
            }
            Guest.run("umount", "/mnt/upstream-mdv");
        } finally {
            Guest.run("losetup", "-d", loop);
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops);
    }

    @Test
    @Order(1)
    void upstreamsPoolIsSetUpIntoTheStackOfUpstreamsOwnTables() throws Exception {
        Map<String, String> expected = normalised(fixtureTables("p1-b-after-fs-snap"), fixtureNumbers("p1-b-after-fs-snap"),
                Map.of("7:0", "loopA", "7:1", "loopB"));
        // Set up from disk, the thin pool's low-water mark is its whole data device, 3567 blocks, and stays so: the
        // pool is already in error_if_no_space mode, so no check considers data growth (upstream's step f shows the same).
        String thinpool = "stratis-1-private-" + P1 + "-thinpool-pool";
        assertThat(Fixtures.text("p1/dm/p1-f-restart-from-disk-dmsetup-table.txt")).contains(" 2048 3567 3 ");
        expected.put(thinpool, expected.get(thinpool).replace(" 2048 15360 3 ", " 2048 3567 3 "));
        Thread.sleep(12000); // at least one run of the 10 s timer check, which must leave the mark alone
        Map<String, String> ours = new TreeMap<>(normalised(Dmsetup.tables(), Dmsetup.devnums(),
                Map.of(Guest.devNum(loop0).toString(), "loopA", Guest.devNum(loop1).toString(), "loopB")));
        ours.keySet().retainAll(expected.keySet().stream().toList());
        assertThat(ours).isEqualTo(expected);
        assertThat(Dmsetup.names().stream().filter(n -> n.contains(P1)).toList()).hasSize(expected.size());
    }

    @Test
    @Order(2)
    void itsFilesystemsAreUpstreamsRecordsWithTheirLinks() throws Exception {
        Map<String, Object> names = new HashMap<>();
        for (var e : daemon.client().managedObjects().entrySet()) {
            var fs = e.getValue().get("org.storage.stratis3.filesystem.r9");
            if (fs != null) {
                names.put((String) fs.get("Name").getValue(), fs.get("Size").getValue());
            }
        }
        assertThat(names).containsOnlyKeys("fs1", "fs2", "snap1").containsValue("1099511627776");
        Guest.run("udevadm", "settle");
        assertThat(Path.of("/dev/stratis/p1/fs1")).exists();
    }

    @Test
    @Order(3)
    void upstreamsEncryptedPoolIsListedAsLocked() throws Exception {
        Map<?, ?> report = (Map<?, ?>) Json.parse(Guest.run("busctl", "--system", "--json=short", "call", "org.storage.stratis3",
                "/org/storage/stratis3", "org.storage.stratis3.Report.r9", "GetReport", "s", "stopped_pools"));
        String text = ((List<?>) report.get("data")).getFirst().toString();
        Map<?, ?> stopped = (Map<?, ?>) Json.parse(text);
        Map<?, ?> p2 = ((List<?>) stopped.get("stopped_pools")).stream().map(Map.class::cast)
                .filter(p -> p.get("pool_uuid").equals("93a23aa5-597d-49ce-9011-4e22880a3366")).findFirst().orElseThrow();
        assertThat(((Map<?, ?>) p2.get("assembly")).get("state")).isEqualTo("locked");
        assertThat(Json.write(p2.get("devices"))).contains("\"key_description\":\"p2key\"");
    }

    @Test
    @Order(4)
    void aPoolMissingADeviceAtStartIsSetUpWhenTheDeviceAppears() throws Exception {
        assertThat(daemon.stop()).isZero();
        daemon.close();
        Dmsetup.removeStack(P1);
        loops.detach(loop1);
        daemon = RealDaemon.start("upstream");
        assertThat(Dmsetup.names()).noneMatch(n -> n.contains(P1));
        assertThat(Guest.run("busctl", "--system", "--json=short", "get-property", "org.storage.stratis3", "/org/storage/stratis3",
                "org.storage.stratis3.Manager.r9", "StoppedPools")).contains(P1);
        loops.attach(loop1, image1);
        Guest.await("p1 to be set up after its device appeared", Duration.ofSeconds(90),
                () -> Dmsetup.names().stream().anyMatch(n -> n.equals("stratis-1-private-" + P1 + "-thinpool-pool")));
        Guest.await("p1 on D-Bus", Duration.ofSeconds(90), () -> {
            try {
                return daemon.client().managedObjects().values().stream().anyMatch(i -> i.containsKey("org.storage.stratis3.pool.r9"));
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Upstream's {@code dmsetup table} at a step of the fixture (e.g. {@code p1-b-after-fs-snap}), by name. */
    static Map<String, String> fixtureTables(String step) {
        Map<String, String> out = new TreeMap<>();
        for (String line : Fixtures.text("p1/dm/" + step + "-dmsetup-table.txt").lines().toList()) {
            if (line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(": ");
            out.merge(line.substring(0, colon), line.substring(colon + 2).stripTrailing(), (a, b) -> a + "\n" + b);
        }
        return out;
    }

    /** Upstream's device numbers at a step of the fixture, by name. */
    static Map<String, String> fixtureNumbers(String step) {
        Map<String, String> out = new TreeMap<>();
        for (String line : Fixtures.text("p1/dm/" + step + "-dmsetup-info-c.txt").lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length > 3 && f[0].startsWith("stratis-1-")) {
                out.put(f[0], f[2] + ":" + f[3]);
            }
        }
        return out;
    }

    /** Tables with every device number replaced by the device's name (loops by a given alias). */
    static Map<String, String> normalised(Map<String, String> tables, Map<String, String> numbers, Map<String, String> loops) {
        Map<String, String> byNum = new HashMap<>(loops);
        numbers.forEach((name, num) -> byNum.put(num, name));
        Map<String, String> out = new TreeMap<>();
        tables.forEach((name, table) -> {
            String t = table;
            for (var e : byNum.entrySet()) {
                t = t.replace(" " + e.getKey() + " ", " <" + e.getValue() + "> ");
            }
            out.put(name, t);
        });
        return out;
    }
}
