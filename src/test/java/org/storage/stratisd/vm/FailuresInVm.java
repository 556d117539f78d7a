package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.StratisCalls.createArgs;
import static org.storage.stratisd.testsupport.StratisCalls.o;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;
import static org.storage.stratisd.vm.PoolCalls.M9;
import static org.storage.stratisd.vm.PoolCalls.P9;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.storage.stratisd.engine.strat.device.FileBlockAccess;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * Operations that fail part-way on a real kernel leave nothing behind (issue "Real engine, part 2"
 * item 8): the daemon finds its {@code mkfs.xfs} first in a directory of the test's, where a
 * wrapper fails while a flag file exists, so the failure comes at the step after device-mapper
 * devices, thin ids and signature blocks were made; bad devices are refused before anything is
 * written; a device-mapper name taken by someone else stops a start cleanly. After each failure
 * {@code dmsetup}, {@code blkid}, the devices' bytes and the D-Bus objects are as they were, and
 * the error names the layer and the device.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailuresInVm {

    private static final long TEN_GIB = 10L << 30;
    private static final String CREATE = "sasa((bu)s)a((bu)ss)(bt)(bs)(bb)";

    private static LoopDevices loops;
    private static Path a;
    private static Path b;
    private static Path ext4;
    private static Path failFlag;
    private static RealDaemon daemon;
    private static String poolPath;
    private static String poolUuid;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Guest.scratch("failures");
        loops = new LoopDevices(dir);
        a = loops.attach(loops.image("a.img", new byte[0], TEN_GIB));
        b = loops.attach(loops.image("b.img", new byte[0], TEN_GIB));
        ext4 = loops.attach(loops.image("ext4.img", new byte[0], 1L << 30));
        Guest.run("mkfs.ext4", "-q", ext4.toString());
        failFlag = dir.resolve("fail-mkfs");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path wrapper = bin.resolve("mkfs.xfs");
        Files.writeString(wrapper, "#!/bin/sh\n"
                + "if [ -e " + failFlag + " ] && [ \"$1\" != -V ]; then\n"
                + "  echo \"mkfs.xfs: cannot format: failure injected by the test\" >&2; exit 1\n"
                + "fi\n"
                + "exec /usr/sbin/mkfs.xfs \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        daemon = RealDaemon.start("failures", "--stratisd.real.executable-path=" + bin + ",/usr/sbin,/sbin,/usr/bin,/bin");
    }

    @AfterEach
    void noFailureInjected() throws Exception {
        Files.deleteIfExists(failFlag);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops, "/mnt/failures");
    }

    private static StratisCalls calls() {
        return daemon.calls();
    }

    @Test
    @Order(1)
    void aCreatePoolThatFailsAtTheMetadataVolumeRemovesItsDevicesAndWipesTheSignatureBlocks() throws Exception {
        Files.createFile(failFlag);
        StratisCalls.Result r = calls().call("/org/storage/stratis3", M9, "CreatePool", CREATE,
                createArgs("doomed", List.of(a.toString(), b.toString())));
        assertThat(r.rc()).isEqualTo(1);
        assertThat(r.message()).contains("Cannot create pool doomed").contains("metadata volume").contains("flex-mdv")
                .contains("failure injected by the test").contains("what was set up was undone");
        assertThat(Dmsetup.names()).noneMatch(n -> n.startsWith("stratis-1-"));
        for (Path dev : List.of(a, b)) {
            assertThat(Guest.blkid(dev)).as("blkid %s", dev).doesNotContainKey("TYPE");
            try (FileBlockAccess access = FileBlockAccess.openReadOnly(dev)) {
                assertThat(access.readBytes(0, 8192)).as("static header of %s", dev).containsOnly(0);
            }
        }
        assertThat(daemon.client().managedObjects().values()).noneMatch(i -> i.containsKey(P9));
        assertThat(Guest.run(Namespace.enter(daemon), "sh", "-c", "findmnt -rn -o TARGET || true")).doesNotContain(".mdv-");
    }

    @Test
    @Order(2)
    void devicesThatCannotBeUsedAreRefusedBeforeAnythingIsWritten() throws Exception {
        String ext4Before = Guest.run("sha256sum", ext4.toString());
        StratisCalls.Result foreign = calls().call("/org/storage/stratis3", M9, "CreatePool", CREATE,
                createArgs("foreign", List.of(a.toString(), ext4.toString())));
        assertThat(foreign.rc()).isEqualTo(1);
        assertThat(foreign.message()).contains(ext4.toString());
        StratisCalls.Result missing = calls().call("/org/storage/stratis3", M9, "CreatePool", CREATE,
                createArgs("missing", List.of(a.toString(), "/dev/no-such-device")));
        assertThat(missing.rc()).isEqualTo(1);
        assertThat(missing.message()).contains("/dev/no-such-device");
        assertThat(Guest.run("sha256sum", ext4.toString())).isEqualTo(ext4Before);
        assertThat(Guest.blkid(ext4)).containsEntry("TYPE", "ext4");
        assertThat(Guest.blkid(a)).doesNotContainKey("TYPE");
        assertThat(Dmsetup.names()).noneMatch(n -> n.startsWith("stratis-1-"));

        poolPath = daemon.pools().createPool("kept", a);
        poolUuid = (String) calls().get(poolPath, P9, "Uuid");
        StratisCalls.Result taken = calls().call("/org/storage/stratis3", M9, "CreatePool", CREATE,
                createArgs("again", List.of(a.toString())));
        assertThat(taken.rc()).isEqualTo(1);
        assertThat(taken.message()).contains(a.toString());
        StratisCalls.Result foreignAdd = calls().call(poolPath, P9, "AddDataDevs", "as", List.of(ext4.toString()));
        assertThat(foreignAdd.rc()).isEqualTo(1);
        assertThat(foreignAdd.message()).contains(ext4.toString());
        assertThat(Guest.blkid(ext4)).containsEntry("TYPE", "ext4");
        assertThat(Guest.metadata(a).backstore().dataTier().blockdev().devs()).hasSize(1);
    }

    @Test
    @Order(3)
    void aFilesystemWhoseMkfsFailsLeavesNoThinDeviceNoRecordAndNoObject() throws Exception {
        List<String> before = Dmsetup.names();
        Files.createFile(failFlag);
        StratisCalls.Result r = calls().call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))",
                one(s("broken", s(false, ""), s(false, ""))));
        assertThat(r.rc()).isEqualTo(1);
        assertThat(r.message()).contains("Cannot create filesystem broken in pool kept").contains("mkfs.xfs")
                .contains("failure injected by the test");
        assertThat(Dmsetup.names()).as("no thin device left").isEqualTo(before);
        assertThat(Guest.run(Namespace.enter(daemon), "ls", "-A", "/run/stratisd/ns_mounts/.mdv-" + poolUuid + "/filesystems"))
                .isBlank();
        assertThat(daemon.client().managedObjects().values()).noneMatch(i -> i.containsKey("org.storage.stratis3.filesystem.r9"));
        assertThat(Path.of("/dev/stratis/kept")).doesNotExist();

        Files.delete(failFlag);
        daemon.pools().createFilesystem(poolPath, "works");
        Guest.run("udevadm", "settle");
        assertThat(Path.of("/dev/stratis/kept/works")).exists();
    }

    @Test
    @Order(4)
    void aPoolWithAMountedFilesystemIsNeitherStoppedNorDestroyedAndKeepsRunning() throws Exception {
        Guest.run("mkdir", "-p", "/mnt/failures");
        Guest.run("mount", "/dev/stratis/kept/works", "/mnt/failures");
        // A pool on one 10 GiB device has no room to grow: the daemon's 10 s check, on its own
        // clock, switches it to error_if_no_space once. Wait for that, so the tables compared below
        // can change only by what the refused calls do.
        String thinpool = "stratis-1-private-" + poolUuid + "-thinpool-pool";
        Guest.await("the check to find no room to grow", java.time.Duration.ofSeconds(60),
                () -> Dmsetup.tables().get(thinpool).endsWith(" error_if_no_space"));
        Map<String, String> before = Dmsetup.tables();
        StratisCalls.Result stop = calls().call("/org/storage/stratis3", M9, "StopPool", "ss", poolUuid, "uuid");
        assertThat(stop.rc()).isEqualTo(1);
        assertThat(stop.message()).contains("works").contains("in use");
        StratisCalls.Result destroy = calls().call("/org/storage/stratis3", M9, "DestroyPool", "o",
                o(poolPath));
        assertThat(destroy.rc()).isEqualTo(1);
        assertThat(Dmsetup.tables()).isEqualTo(before);
        Guest.run("dd", "if=/dev/zero", "of=/mnt/failures/still-writable", "bs=1M", "count=4", "conv=fsync", "status=none");
        Guest.run("umount", "/mnt/failures");
        assertThat(Guest.metadata(a).started()).contains(true);
    }

    @Test
    @Order(5)
    void aDeviceMapperNameTakenBySomeoneElseStopsAStartAndWhatTheStartMadeIsRemoved() throws Exception {
        daemon.pools().stopPool(poolUuid);
        assertThat(Dmsetup.names()).noneMatch(n -> n.startsWith("stratis-1-"));
        String squatter = "stratis-1-private-" + poolUuid + "-flex-thinmeta";
        Guest.run("dmsetup", "create", squatter, "--table", "0 8 zero");
        StratisCalls.Result start = calls().call("/org/storage/stratis3", "org.storage.stratis3.Manager.r4", "StartPool", "ss(bs)",
                poolUuid, "uuid", s(false, ""));
        assertThat(start.rc()).isEqualTo(1);
        assertThat(start.message()).contains(squatter).contains("0 8 zero");
        assertThat(Dmsetup.names()).containsExactly(squatter);
        assertThat(Dmsetup.tables().get(squatter)).isEqualTo("0 8 zero");
        assertThat(Guest.metadata(a).started()).contains(false);
        assertThat(Guest.run("sh", "-c", "findmnt -rn -o TARGET || true")).doesNotContain(".mdv-");

        Guest.run("dmsetup", "remove", squatter);
        daemon.pools().startPool(poolUuid);
        Guest.run("udevadm", "settle");
        assertThat(Path.of("/dev/stratis/kept/works")).exists();
        assertThat(Guest.metadata(a).started()).contains(true);
    }
}
