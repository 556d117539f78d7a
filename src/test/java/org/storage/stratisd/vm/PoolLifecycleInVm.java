package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.StratisCalls.o;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;
import static org.storage.stratisd.vm.PoolCalls.F9;
import static org.storage.stratisd.vm.PoolCalls.M9;
import static org.storage.stratisd.vm.PoolCalls.P9;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.storage.stratisd.engine.strat.device.FileBlockAccess;
import org.storage.stratisd.engine.strat.metadata.MetadataArea;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSaveCodec;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * One pool's life on a real kernel, in order, against what upstream 3.9.2 does (real-engine spec
 * §9 rows 1, 2, 5-12, 16): creation on two 10 GiB loop devices, laid out as the spec's example A;
 * filesystems, a snapshot and data in them; stop and start; a daemon restart that re-attaches the
 * running pool; renames; destruction, after which nothing of the pool is left. Each step is checked
 * with independent observers: {@code dmsetup}, {@code blkid}, the devices' bytes, udev's links.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolLifecycleInVm {

    private static final long TEN_GIB = 10L << 30;

    private static LoopDevices loops;
    private static Path a;
    private static Path b;
    private static RealDaemon daemon;
    private static String poolPath;
    private static UUID pool;
    private static String fs1Path;
    private static UUID fs1;
    private static UUID snap1;
    private static String checksum;

    @BeforeAll
    static void twoLoopDevicesAndTheDaemon() throws Exception {
        loops = new LoopDevices(Guest.scratch("lifecycle"));
        a = loops.attach(loops.image("a.img", new byte[0], TEN_GIB));
        b = loops.attach(loops.image("b.img", new byte[0], TEN_GIB));
        daemon = RealDaemon.start("lifecycle");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops, "/mnt/lifecycle-*");
    }

    private static StratisCalls calls() {
        return daemon.calls();
    }

    @Test
    @Order(1)
    void createPoolLaysTheStackOutAsTheSpecsExampleA() throws Exception {
        poolPath = daemon.pools().createPool("life", a, b);
        pool = uuid((String) calls().get(poolPath, P9, "Uuid"));
        String p = simple(pool);
        String prefix = "stratis-1-private-" + p + "-";
        Map<String, String> tables = Dmsetup.tables();
        Map<String, String> num = Dmsetup.devnums();
        assertThat(tables.keySet()).containsExactlyInAnyOrder(prefix + "physical-originsub", prefix + "physical-cache",
                prefix + "flex-thinmeta", prefix + "flex-thindata", prefix + "flex-mdv", prefix + "thinpool-pool");
        Dmsetup.uuids().forEach((name, uuid) -> assertThat(uuid).as("DM UUID of %s", name).isEqualTo(name));
        String la = Guest.devNum(a).toString();
        String lb = Guest.devNum(b).toString();
        assertThat(tables.get(prefix + "physical-originsub"))
                .isEqualTo("0 20373496 linear " + la + " 8192\n20373496 20371464 linear " + lb + " 8192");
        assertThat(tables.get(prefix + "physical-cache")).isEqualTo("0 40744960 linear " + num.get(prefix + "physical-originsub") + " 0");
        String cap = num.get(prefix + "physical-cache");
        assertThat(tables.get(prefix + "flex-thinmeta")).isEqualTo("0 18432 linear " + cap + " 34816");
        assertThat(tables.get(prefix + "flex-thindata")).isEqualTo("0 39624704 linear " + cap + " 71680");
        assertThat(tables.get(prefix + "flex-mdv")).isEqualTo("0 1048576 linear " + cap + " 39696384");
        assertThat(tables.get(prefix + "thinpool-pool")).isEqualTo("0 39624704 thin-pool " + num.get(prefix + "flex-thinmeta") + " "
                + num.get(prefix + "flex-thindata") + " 2048 9674 2 skip_block_zeroing no_discard_passdown");
    }

    @Test
    @Order(2)
    void theMembersCarryVersionTwoSignatureBlocksAndTheSpecsMetadata() throws Exception {
        for (Path dev : List.of(a, b)) {
            Map<String, String> blkid = Guest.blkid(dev);
            assertThat(blkid).containsEntry("TYPE", "stratis").containsEntry("USAGE", "raid")
                    .containsEntry("POOL_UUID", pool.toString()).containsEntry("BLOCKDEV_SECTORS", "20971520");
            try (FileBlockAccess access = FileBlockAccess.openReadOnly(dev)) {
                byte[] static16 = access.readBytes(0, 8192);
                assertThat(static16[512 + 28]).as("sigblock version, sector 1").isEqualTo((byte) 2);
                assertThat(static16[4608 + 28]).as("sigblock version, sector 9").isEqualTo((byte) 2);
                assertThat(java.util.Arrays.copyOfRange(static16, 512, 1024)).isEqualTo(java.util.Arrays.copyOfRange(static16, 4608, 5120));
                for (int sector : new int[] {0, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15}) {
                    assertThat(java.util.Arrays.copyOfRange(static16, sector * 512, sector * 512 + 512)).as("sector %d", sector)
                            .containsOnly(0);
                }
                PoolSave save = PoolSaveCodec.parse(MetadataArea.read(access).newest().orElseThrow().data().orElseThrow());
                assertThat(PoolSave.sum(save.flexDevs().thinMetaDev())).isEqualTo(18432);
                assertThat(save.backstore().cap().allocs()).containsExactly(new PoolSave.Range(34816, 18432),
                        new PoolSave.Range(53248, 18432), new PoolSave.Range(71680, 39624704), new PoolSave.Range(39696384, 1048576));
                assertThat(save.backstore().cap().cryptMetaAllocs()).containsExactly(new PoolSave.Range(0, 34816));
                assertThat(save.backstore().dataTier().blockdev().devs()).allSatisfy(d ->
                        assertThat(d.integrityMetaAllocs()).containsExactly(new PoolSave.Range(20381688, 589832)));
                assertThat(save.started()).contains(true);
                assertThat(save.features()).isEmpty();
            }
        }
    }

    @Test
    @Order(3)
    void aFilesystemIsXfsWithItsOwnUuidAndALink() throws Exception {
        StratisCalls.Result r = calls().call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))",
                one(s("fs1", s(false, ""), s(false, "")))).ok();
        fs1Path = ((Object[]) ((List<?>) ((Object[]) r.payload())[1]).getFirst())[0].toString();
        fs1 = uuid((String) calls().get(fs1Path, F9, "Uuid"));
        String thin = "stratis-1-" + simple(pool) + "-thin-fs-" + simple(fs1);
        Map<String, String> num = Dmsetup.devnums();
        assertThat(Dmsetup.tables().get(thin)).isEqualTo("0 2147483648 thin "
                + num.get("stratis-1-private-" + simple(pool) + "-thinpool-pool") + " 0");
        Path node = Path.of("/dev/dm-" + num.get(thin).split(":")[1]);
        assertThat(Guest.blkid(node)).containsEntry("TYPE", "xfs").containsEntry("UUID", fs1.toString());
        Guest.run("udevadm", "settle");
        Path link = Path.of("/dev/stratis/life/fs1");
        assertThat(link).exists();
        assertThat(link.toRealPath()).isEqualTo(node);
        assertThat(calls().get(fs1Path, F9, "Devnode")).isEqualTo("/dev/stratis/life/fs1");
        String record = Guest.run(Namespace.enter(daemon), "cat", "/run/stratisd/ns_mounts/.mdv-" + simple(pool) + "/filesystems/"
                + simple(fs1) + ".json");
        assertThat(record).startsWith("{\"name\":\"fs1\",\"uuid\":\"" + fs1 + "\",\"thin_id\":0,\"size\":2147483648,\"created\":")
                .endsWith(",\"merge\":false}");
    }

    @Test
    @Order(4)
    void theMetadataVolumeIsMountedOnlyInTheDaemonsNamespace() throws Exception {
        assertThat(Guest.run("sh", "-c", "findmnt -rn -o TARGET || true")).doesNotContain(".mdv-");
        assertThat(Guest.run(Namespace.enter(daemon), "findmnt", "-rn", "-o", "TARGET")).contains(".mdv-" + simple(pool));
    }

    @Test
    @Order(5)
    void aSnapshotHasItsOwnIdAndXfsUuidAndMountsBesideItsOrigin() throws Exception {
        Guest.run("mkdir", "-p", "/mnt/lifecycle-fs1", "/mnt/lifecycle-snap");
        Guest.run("mount", "/dev/stratis/life/fs1", "/mnt/lifecycle-fs1");
        Guest.run("sh", "-c", "head -c 4194304 /dev/urandom > /mnt/lifecycle-fs1/data && sync");
        checksum = Guest.run("sha256sum", "/mnt/lifecycle-fs1/data").split(" ")[0];
        StratisCalls.Result r = calls().call(poolPath, P9, "SnapshotFilesystem", "os", o(fs1Path), "snap1").ok();
        String snapPath = ((Object[]) r.payload())[1].toString();
        snap1 = uuid((String) calls().get(snapPath, F9, "Uuid"));
        String thin = "stratis-1-" + simple(pool) + "-thin-fs-" + simple(snap1);
        assertThat(Dmsetup.tables().get(thin)).endsWith(" 1");
        Guest.run("udevadm", "settle");
        assertThat(Guest.blkid(Path.of("/dev/stratis/life/snap1").toRealPath())).containsEntry("UUID", snap1.toString());
        Guest.run("mount", "/dev/stratis/life/snap1", "/mnt/lifecycle-snap");
        assertThat(Guest.run("sha256sum", "/mnt/lifecycle-snap/data").split(" ")[0]).isEqualTo(checksum);
        Guest.run("umount", "/mnt/lifecycle-snap");
        Guest.run("umount", "/mnt/lifecycle-fs1");
        assertThat((Object[]) calls().get(snapPath, F9, "Origin")).containsExactly(true, simple(fs1));
    }

    @Test
    @Order(6)
    void stopPoolTearsEverythingDownAndRecordsStartedFalse() throws Exception {
        Map<String, String> before = Dmsetup.tablesByName();
        daemon.pools().stopPool(pool.toString());
        assertThat(Dmsetup.names()).noneMatch(n -> n.startsWith("stratis-1-"));
        assertThat(Path.of("/dev/stratis/life/fs1")).doesNotExist();
        try (FileBlockAccess access = FileBlockAccess.openReadOnly(a)) {
            assertThat(PoolSaveCodec.parse(MetadataArea.read(access).newest().orElseThrow().data().orElseThrow()).started())
                    .contains(false);
        }
        daemon.pools().startPool(pool.toString());
        // Set up from metadata, the thin pool's low-water mark is its whole data device (spec §1.4): the first
        // allocation then raises an event and the first check sets the standard mark; otherwise the same tables.
        String thinpool = "stratis-1-private-" + simple(pool) + "-thinpool-pool";
        Map<String, String> after = Dmsetup.tablesByName();
        assertThat(after.get(thinpool)).contains(" 2048 19348 2 ");
        after.put(thinpool, after.get(thinpool).replace(" 2048 19348 2 ", " 2048 9674 2 "));
        assertThat(after).isEqualTo(before);
        Guest.run("udevadm", "settle");
        assertThat(Path.of("/dev/stratis/life/fs1")).exists();
    }

    @Test
    @Order(7)
    void aRestartedDaemonAdoptsTheRunningPoolWithoutRecreatingItsDevices() throws Exception {
        Map<String, String> devnums = Dmsetup.devnums();
        assertThat(daemon.stop()).isZero();
        daemon.close();
        daemon = RealDaemon.start("lifecycle");
        assertThat(Dmsetup.devnums()).isEqualTo(devnums);
        poolPath = objectPath(P9, "life");
        Guest.run("mount", "/dev/stratis/life/fs1", "/mnt/lifecycle-fs1");
        assertThat(Guest.run("sha256sum", "/mnt/lifecycle-fs1/data").split(" ")[0]).isEqualTo(checksum);
        Guest.run("umount", "/mnt/lifecycle-fs1");
    }

    @Test
    @Order(8)
    void renamesMoveTheLinks() throws Exception {
        calls().call(poolPath, P9, "SetName", "s", "life2").ok();
        Guest.run("udevadm", "settle");
        assertThat(Path.of("/dev/stratis/life2/fs1")).exists();
        assertThat(Path.of("/dev/stratis/life/fs1")).doesNotExist();
        String fsPath = fsPath("fs1");
        calls().call(fsPath, F9, "SetName", "s", "renamed").ok();
        Guest.run("udevadm", "settle");
        assertThat(Path.of("/dev/stratis/life2/renamed")).exists();
        assertThat(Path.of("/dev/stratis/life2/fs1")).doesNotExist();
    }

    @Test
    @Order(9)
    void afterTheseOperationsTheMetadataRegionsAlternateWithTheirCopiesAndAReaderFallsBackToACopy() throws Exception {
        for (Path dev : List.of(a, b)) {
            MetadataArea.State state;
            byte[] bda;
            try (FileBlockAccess access = FileBlockAccess.openReadOnly(dev)) {
                state = MetadataArea.read(access);
                bda = access.readBytes(0, 8192 * 512);
            }
            List<MetadataArea.Region> regions = state.regions();
            assertThat(regions).as("regions of %s", dev).allSatisfy(r -> assertThat(r.usable()).as("region %d", r.index()).isTrue());
            assertThat(regions.get(2).header()).isEqualTo(regions.get(0).header());
            assertThat(regions.get(3).header()).isEqualTo(regions.get(1).header());
            assertThat(regions.get(2).data().orElseThrow()).isEqualTo(regions.get(0).data().orElseThrow());
            assertThat(regions.get(3).data().orElseThrow()).isEqualTo(regions.get(1).data().orElseThrow());
            java.time.Instant t0 = regions.get(0).header().orElseThrow().time().orElseThrow();
            java.time.Instant t1 = regions.get(1).header().orElseThrow().time().orElseThrow();
            assertThat(t0).as("the two generations have different times").isNotEqualTo(t1);
            int newest = t0.isAfter(t1) ? 0 : 1;
            assertThat(state.newest().orElseThrow().index()).isEqualTo(newest);

            // A copy of the BDA whose newest primary header is damaged: the reader takes that region's copy.
            Path copy = Guest.scratch("lifecycle").resolve("bda-" + dev.getFileName() + ".img");
            long header = MetadataArea.regionOffset(newest);
            bda[(int) header + 4] ^= 0x5a;
            java.nio.file.Files.write(copy, bda);
            try (FileBlockAccess access = FileBlockAccess.openReadOnly(copy)) {
                MetadataArea.State damaged = MetadataArea.read(access);
                assertThat(damaged.regions().get(newest).usable()).isFalse();
                assertThat(damaged.newest().orElseThrow().index()).isEqualTo(newest + 2);
                assertThat(damaged.newest().orElseThrow().data()).contains(regions.get(newest).data().orElseThrow());
            }
        }
    }

    @Test
    @Order(10)
    void destroyLeavesNothingOfThePool() throws Exception {
        List<Object> filesystems = List.of(o(fsPath("renamed")), o(fsPath("snap1")));
        calls().call(poolPath, P9, "DestroyFilesystems", "ao", filesystems).ok();
        calls().call("/org/storage/stratis3", M9, "DestroyPool", "o", o(poolPath)).ok();
        assertThat(Dmsetup.names()).noneMatch(n -> n.startsWith("stratis-1-"));
        for (Path dev : List.of(a, b)) {
            assertThat(Guest.blkid(dev)).doesNotContainKey("TYPE");
        }
        assertThat(Guest.run(Namespace.enter(daemon), "sh", "-c", "findmnt -rn -o TARGET || true")).doesNotContain(".mdv-");
    }

    private static String fsPath(String name) throws Exception {
        return objectPath(F9, name);
    }

    /** The path of the object with that interface and name, as GetManagedObjects shows it. */
    private static String objectPath(String iface, String name) throws Exception {
        return PoolCalls.objectPath(daemon.client(), iface, name);
    }

    private static UUID uuid(String simple) {
        return UUID.fromString(simple.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
    }

    private static String simple(UUID uuid) {
        return uuid.toString().replace("-", "");
    }

}
