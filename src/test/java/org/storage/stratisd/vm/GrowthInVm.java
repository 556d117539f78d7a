package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;
import static org.storage.stratisd.vm.PoolCalls.F9;
import static org.storage.stratisd.vm.PoolCalls.P9;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * How a running pool grows and guards its space on a real kernel, with upstream's 10 s check
 * (real-engine spec §2.5, §2.6; §9 rows 14, 15, 21, 22, 24): a pool on one 10 GiB device runs out
 * of room to grow and switches to {@code error_if_no_space}; a second device brings it back to
 * queueing and its thin metadata and data grow onto it; a grown device is reported as grown
 * ({@code NewPhysicalSize}) and, after {@code GrowPhysicalDevice}, recorded in both signature-block copies; a filesystem more than half full grows up to its size limit; the
 * filesystem limit and overprovisioning follow upstream's rules.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GrowthInVm {

    private static final String B9 = "org.storage.stratis3.blockdev.r9";
    private static final long TEN_GIB = 10L << 30;
    private static final Duration CHECK = Duration.ofSeconds(60);

    private static LoopDevices loops;
    private static Path a;
    private static Path b;
    private static Path bImage;
    private static RealDaemon daemon;
    private static String poolPath;
    private static String thinpool;

    @BeforeAll
    static void start() throws Exception {
        loops = new LoopDevices(Guest.scratch("growth"));
        a = loops.attach(loops.image("a.img", new byte[0], TEN_GIB));
        bImage = loops.image("b.img", new byte[0], TEN_GIB);
        b = loops.attach(bImage);
        daemon = RealDaemon.start("growth");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops, "/mnt/growth");
    }

    private static StratisCalls calls() {
        return daemon.calls();
    }

    @Test
    @Order(1)
    void aPoolThatCannotGrowSwitchesToErrorIfNoSpaceWithinACheck() throws Exception {
        poolPath = daemon.pools().createPool("grower", a);
        String uuid = (String) calls().get(poolPath, P9, "Uuid");
        thinpool = "stratis-1-private-" + uuid + "-thinpool-pool";
        String devices = Dmsetup.devnums().get(thinpool.replace("thinpool-pool", "flex-thinmeta")) + " "
                + Dmsetup.devnums().get(thinpool.replace("thinpool-pool", "flex-thindata"));
        // The daemon's 10 s check runs on its own clock, so it may already have found that the pool
        // cannot grow by the time the table is read. The check loads two tables, one after the
        // other: the error mode first (with the set-up mark), then the standard low-water mark. So
        // the table is the set-up one, the check's first or its last, nothing else.
        String errorMode = " 3 skip_block_zeroing no_discard_passdown error_if_no_space";
        assertThat(Dmsetup.tables().get(thinpool)).isIn("0 19263488 thin-pool " + devices
                + " 2048 4703 2 skip_block_zeroing no_discard_passdown", "0 19263488 thin-pool " + devices
                + " 2048 4703" + errorMode, "0 19263488 thin-pool " + devices + " 2048 15360" + errorMode);
        Guest.await("error_if_no_space with the standard low-water mark", CHECK,
                () -> Dmsetup.tables().get(thinpool).endsWith(" 2048 15360" + errorMode));
        // The check records the new mode after it has loaded the table.
        Guest.awaitMetadata(a, "error_if_no_space recorded", CHECK, save -> save.thinpoolDev().featureArgs().orElse(List.of())
                .containsAll(List.of("error_if_no_space", "no_discard_passdown", "skip_block_zeroing")));
        Guest.await("NoAllocSpace", CHECK, () -> Boolean.TRUE.equals(get(poolPath, P9, "NoAllocSpace")));
    }

    @Test
    @Order(2)
    void aDataDeviceAddedBringsItBackToQueueingAndTheThinPoolGrowsOntoIt() throws Exception {
        calls().call(poolPath, P9, "AddDataDevs", "as", List.of(b.toString())).ok();
        assertThat(Guest.blkid(b)).containsEntry("TYPE", "stratis");
        PoolSave save = Guest.metadata(a);
        assertThat(save.backstore().dataTier().blockdev().devs()).hasSize(2);
        assertThat(save.backstore().dataTier().blockdev().devs().get(1).integrityMetaAllocs())
                .containsExactly(new PoolSave.Range(20381688, 589832));
        Guest.await("the thin data to grow", CHECK, () -> !Dmsetup.tables().get(thinpool).startsWith("0 19263488 "));
        String table = Dmsetup.tables().get(thinpool);
        assertThat(table).doesNotContain("error_if_no_space");
        // The check records the grown devices after it has made them live.
        PoolSave grown = Guest.awaitMetadata(a, "the grown thin data recorded", CHECK, s -> s.flexDevs().thinDataDev().size() == 2
                && !s.thinpoolDev().featureArgs().orElse(List.of()).contains("error_if_no_space"));
        assertThat(PoolSave.sum(grown.flexDevs().thinMetaDev())).isEqualTo(18432);
        assertThat(PoolSave.sum(grown.flexDevs().thinMetaDevSpare())).isEqualTo(18432);
        assertThat(grown.backstore().cap().allocs()).hasSize(7);
        assertThat(PoolSave.sum(grown.backstore().cap().allocs())).isEqualTo(grown.flexDevs().totalSectors());
        assertThat(table).startsWith("0 " + PoolSave.sum(grown.flexDevs().thinDataDev()) + " thin-pool ");
        assertThat(grown.thinpoolDev().featureArgs()).contains(List.of("no_discard_passdown", "skip_block_zeroing"));
        Guest.await("NoAllocSpace false", CHECK, () -> Boolean.FALSE.equals(get(poolPath, P9, "NoAllocSpace")));
    }

    @Test
    @Order(3)
    void aGrownDeviceIsReportedThenRecordedInBothSignatureBlocks() throws Exception {
        String devPath = blockdevPath(b);
        String dev = (String) get(devPath, B9, "Uuid");
        assertThat((Object[]) get(devPath, B9, "NewPhysicalSize")).containsExactly(false, "");
        long grown = TEN_GIB + (2L << 30);
        Guest.run("truncate", "-s", Long.toString(grown), bImage.toString());
        Guest.run("losetup", "-c", b.toString());
        // The loop device's change event tells the daemon; the new size is reported until it is recorded.
        Guest.await("NewPhysicalSize after the resize", CHECK, () -> java.util.Arrays.equals((Object[]) get(devPath, B9,
                "NewPhysicalSize"), new Object[] {true, Long.toString(grown)}));
        StratisCalls.Result r = calls().call(poolPath, P9, "GrowPhysicalDevice", "s", dev).ok();
        assertThat(r.payload()).isEqualTo(true);
        assertThat(Guest.blkid(b)).containsEntry("BLOCKDEV_SECTORS", Long.toString(grown / 512));
        try (var access = org.storage.stratisd.engine.strat.device.FileBlockAccess.openReadOnly(b)) {
            byte[] head = access.readBytes(0, 8192);
            assertThat(java.util.Arrays.copyOfRange(head, 512, 1024)).isEqualTo(java.util.Arrays.copyOfRange(head, 4608, 5120));
        }
        assertThat((Object[]) get(devPath, B9, "NewPhysicalSize")).containsExactly(false, "");
        assertThat(get(devPath, B9, "TotalPhysicalSize")).isEqualTo(Long.toString(grown));
        assertThat(calls().call(poolPath, P9, "GrowPhysicalDevice", "s", dev).ok().payload()).isEqualTo(false);
    }

    @Test
    @Order(4)
    void aFilesystemMoreThanHalfFullGrowsUpToItsSizeLimit() throws Exception {
        String gib = Long.toString(1L << 30);
        String limit = Long.toString(1536L << 20);
        StratisCalls.Result r = calls().call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))",
                one(s("small", s(true, gib), s(true, limit)))).ok();
        String fs = ((Object[]) ((List<?>) ((Object[]) r.payload())[1]).getFirst())[0].toString();
        Guest.run("udevadm", "settle");
        Guest.run("mkdir", "-p", "/mnt/growth");
        Guest.run("mount", "/dev/stratis/grower/small", "/mnt/growth");
        Guest.run("dd", "if=/dev/urandom", "of=/mnt/growth/fill", "bs=1M", "count=600", "conv=fsync", "status=none");
        Guest.await("the filesystem to grow to its limit", Duration.ofSeconds(90), () -> limit.equals(get(fs, F9, "Size")));
        long fsBytes = Long.parseLong(Guest.run("df", "-B1", "--output=size", "/mnt/growth").lines().skip(1).findFirst()
                .orElseThrow().strip());
        assertThat(fsBytes).isGreaterThan(1L << 30);
        assertThat(Dmsetup.tables().get("stratis-1-" + calls().get(poolPath, P9, "Uuid") + "-thin-fs-" + calls().get(fs, F9, "Uuid")))
                .startsWith("0 3145728 thin ");
        assertThat((String) calls().call(poolPath, P9, "FilesystemMetadata", "(bs)b", s(true, "small"), true).ok().payload())
                .contains("\"size\":3145728");
        Guest.run("umount", "/mnt/growth");
    }

    @Test
    @Order(5)
    void overprovisioningCanBeDisabledOnlyWhileTheFilesystemsFitAndThenBoundsNewOnes() throws Exception {
        assertThat(calls().set(poolPath, P9, "Overprovisioning", new Variant<>(false))).isNull();
        StratisCalls.Result refused = calls().call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))",
                one(s("huge", s(true, Long.toString(40L << 30)), s(false, ""))));
        assertThat(refused.rc()).isEqualTo(1);
        assertThat(refused.message()).contains("overprovisioning is disabled");
        assertThat(calls().set(poolPath, P9, "Overprovisioning", new Variant<>(true))).isNull();
        calls().call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))", one(s("huge", s(true, Long.toString(40L << 30)),
                s(false, "")))).ok();
        var error = calls().set(poolPath, P9, "Overprovisioning", new Variant<>(false));
        assertThat(error).isNotNull();
        assertThat(error.getParameters()[0].toString()).contains("Cannot disable overprovisioning on a pool that is already"
                + " overprovisioned");
    }

    @Test
    @Order(6)
    void raisingTheFilesystemLimitGrowsTheThinMetadataAndItsSpareAlike() throws Exception {
        var smaller = calls().set(poolPath, P9, "FsLimit", new Variant<>(new UInt64(50)));
        assertThat(smaller).isNotNull();
        assertThat(smaller.getParameters()[0].toString()).contains("New filesystem limit must be greater than the current limit");
        var tooMany = calls().set(poolPath, P9, "FsLimit", new Variant<>(new UInt64(1_000_000_000)));
        assertThat(tooMany).isNotNull();
        assertThat(tooMany.getParameters()[0].toString()).contains("Currently Stratis can only handle a filesystem limit of up to");
        long metaBefore = PoolSave.sum(Guest.metadata(a).flexDevs().thinMetaDev());
        assertThat(calls().set(poolPath, P9, "FsLimit", new Variant<>(new UInt64(20000)))).isNull();
        PoolSave after = Guest.metadata(a);
        assertThat(after.thinpoolDev().fsLimit()).hasValue(20000);
        assertThat(PoolSave.sum(after.flexDevs().thinMetaDev())).isGreaterThan(metaBefore)
                .isEqualTo(PoolSave.sum(after.flexDevs().thinMetaDevSpare()));
        assertThat(get(poolPath, P9, "FsLimit")).isEqualTo(new UInt64(20000));
    }

    private static Object get(String path, String iface, String name) {
        try {
            return calls().get(path, iface, name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String blockdevPath(Path device) throws Exception {
        for (var e : daemon.client().managedObjects().entrySet()) {
            var props = e.getValue().get(B9);
            if (props != null && device.toString().equals(props.get("Devnode").getValue())) {
                return e.getKey().toString();
            }
        }
        throw new AssertionError("no block device " + device);
    }
}
