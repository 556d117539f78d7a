package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.StratisCalls.o;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;
import static org.storage.stratisd.vm.PoolCalls.F9;
import static org.storage.stratisd.vm.PoolCalls.P9;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * A snapshot scheduled for revert replaces its origin at the next start (real-engine spec §4, the
 * smoke test after §9): the origin's name, UUID and link now show the snapshot's data, on the
 * snapshot's thin device, with an XFS whose UUID is the origin's; the snapshot's record, object
 * and link are gone, and its own snapshot now names the origin as its origin.
 */
class RevertInVm {


    private static LoopDevices loops;
    private static Path a;
    private static RealDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        loops = new LoopDevices(Guest.scratch("revert"));
        a = loops.attach(loops.image("a.img", new byte[0], 10L << 30));
        daemon = RealDaemon.start("revert");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops, "/mnt/revert");
    }

    @Test
    void theScheduledSnapshotBecomesItsOriginAtTheNextStart() throws Exception {
        StratisCalls calls = daemon.calls();
        String poolPath = daemon.pools().createPool("rev", a);
        String pool = (String) calls.get(poolPath, P9, "Uuid");
        StratisCalls.Result r = calls.call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))",
                one(s("data", s(false, ""), s(false, "")))).ok();
        String dataPath = ((Object[]) ((List<?>) ((Object[]) r.payload())[1]).getFirst())[0].toString();
        String data = (String) calls.get(dataPath, F9, "Uuid");
        write("data", "kept by the snapshot\n");
        String snapPath = ((Object[]) calls.call(poolPath, P9, "SnapshotFilesystem", "os", o(dataPath),
                "snap").ok().payload())[1].toString();
        String snap = (String) calls.get(snapPath, F9, "Uuid");
        String childPath = ((Object[]) calls.call(poolPath, P9, "SnapshotFilesystem", "os", o(snapPath),
                "child").ok().payload())[1].toString();
        String child = (String) calls.get(childPath, F9, "Uuid");
        write("data", "written after the snapshot\n");
        String thinpool = "stratis-1-private-" + pool + "-thinpool-pool";
        String snapTable = Dmsetup.tables().get("stratis-1-" + pool + "-thin-fs-" + snap);

        assertThat(calls.set(snapPath, F9, "MergeScheduled", new Variant<>(true))).isNull();
        daemon.pools().stopPool(pool);
        daemon.pools().startPool(pool);
        Guest.run("udevadm", "settle");

        Map<String, String> tables = Dmsetup.tables();
        assertThat(tables).containsKey(thinpool).doesNotContainKey("stratis-1-" + pool + "-thin-fs-" + snap);
        assertThat(tables.get("stratis-1-" + pool + "-thin-fs-" + data)).isEqualTo(snapTable);
        assertThat(Path.of("/dev/stratis/rev/snap")).doesNotExist();
        Path node = Path.of("/dev/stratis/rev/data").toRealPath();
        assertThat(Guest.blkid(node)).containsEntry("UUID", dashed(data));
        assertThat(read("data")).isEqualTo("kept by the snapshot\n");

        String mdv = "/run/stratisd/ns_mounts/.mdv-" + pool + "/filesystems/";
        List<String> enter = Namespace.enter(daemon);
        assertThat(Guest.run(enter, "ls", mdv).lines().toList()).containsExactlyInAnyOrder(data + ".json", child + ".json");
        assertThat(Guest.run(enter, "cat", mdv + data + ".json")).contains("\"thin_id\":1").contains("\"name\":\"data\"")
                .contains("\"merge\":false");
        assertThat(Guest.run(enter, "cat", mdv + child + ".json")).contains("\"origin\":\"" + dashed(data) + "\"");
        assertThat(daemon.client().managedObjects().values().stream().filter(i -> i.containsKey(F9))
                .map(i -> (Object) i.get(F9).get("Name").getValue()).toList()).containsExactlyInAnyOrder("data", "child");
    }

    private static void write(String fs, String text) throws Exception {
        Guest.run("mkdir", "-p", "/mnt/revert");
        Guest.run("udevadm", "settle");
        Guest.run("mount", "/dev/stratis/rev/" + fs, "/mnt/revert");
        try {
            Files.writeString(Path.of("/mnt/revert/file"), text);
            Guest.run("sync");
        } finally {
            Guest.run("umount", "/mnt/revert");
        }
    }

    private static String read(String fs) throws Exception {
        Guest.run("mkdir", "-p", "/mnt/revert");
        Guest.run("mount", "/dev/stratis/rev/" + fs, "/mnt/revert");
        try {
            return Files.readString(Path.of("/mnt/revert/file"));
        } finally {
            Guest.run("umount", "/mnt/revert");
        }
    }

    private static String dashed(String simple) {
        return simple.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5");
    }
}
