package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;
import static org.storage.stratisd.vm.PoolCalls.P9;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * Damaged thin metadata is repaired at start (real-engine spec §2.7, §9 row 23): with the pool
 * stopped, the test overwrites the index block of the thin metadata's own space map (found from
 * the thin-pool superblock) on the loop device; {@code StartPool} then finds that
 * {@code thin_check} fails, repairs into the spare with {@code thin_repair}, runs on the repaired
 * copy, and records the swapped segment lists at once. The filesystem's data is intact, since the
 * repair rebuilds the space maps from the mapping trees.
 */
class ThinRepairInVm {

    /** Where the metadata space map's root lies in the thin-pool superblock, and its index block's number in that root. */
    private static final int METADATA_SM_ROOT = 192;
    private static final int BITMAP_ROOT_IN_SM_ROOT = 16;
    private static final int META_BLOCK = 4096;

    private static LoopDevices loops;
    private static Path a;
    private static RealDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        loops = new LoopDevices(Guest.scratch("repair"));
        a = loops.attach(loops.image("a.img", new byte[0], 10L << 30));
        daemon = RealDaemon.start("repair");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops, "/mnt/repair");
    }

    @Test
    void damagedThinMetadataIsRepairedIntoTheSpareAtStart() throws Exception {
        StratisCalls calls = daemon.calls();
        String poolPath = daemon.pools().createPool("fix", a);
        String pool = (String) calls.get(poolPath, P9, "Uuid");
        daemon.pools().createFilesystem(poolPath, "fs");
        Guest.run("udevadm", "settle");
        Guest.run("mkdir", "-p", "/mnt/repair");
        Guest.run("mount", "/dev/stratis/fix/fs", "/mnt/repair");
        Guest.run("sh", "-c", "head -c 8388608 /dev/urandom > /mnt/repair/data && sync");
        String checksum = Guest.run("sha256sum", "/mnt/repair/data").split(" ")[0];
        Guest.run("umount", "/mnt/repair");
        daemon.pools().stopPool(pool);

        PoolSave stopped = Guest.metadata(a);
        List<PoolSave.Range> meta = stopped.flexDevs().thinMetaDev();
        List<PoolSave.Range> spare = stopped.flexDevs().thinMetaDevSpare();
        long metaOnLoop = onLoop(stopped, meta.getFirst().start());
        try (FileChannel dev = FileChannel.open(a, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer superblock = ByteBuffer.allocate(META_BLOCK).order(ByteOrder.LITTLE_ENDIAN);
            dev.read(superblock, metaOnLoop * 512);
            long index = superblock.getLong(METADATA_SM_ROOT + BITMAP_ROOT_IN_SM_ROOT);
            assertThat(index).as("the metadata space map's index block").isPositive().isLessThan(PoolSave.sum(meta) / 8);
            byte[] garbage = new byte[META_BLOCK];
            new Random(23).nextBytes(garbage);
            dev.write(ByteBuffer.wrap(garbage), metaOnLoop * 512 + index * META_BLOCK);
            dev.force(true);
        }

        daemon.pools().startPool(pool);
        assertThat(daemon.process().log()).contains("Thin metadata of pool fix does not check")
                .contains("Thin metadata of pool fix repaired");
        PoolSave started = Guest.metadata(a);
        assertThat(started.flexDevs().thinMetaDev()).isEqualTo(spare);
        assertThat(started.flexDevs().thinMetaDevSpare()).isEqualTo(meta);
        String thinmeta = "stratis-1-private-" + pool + "-flex-thinmeta";
        assertThat(Dmsetup.tables().get(thinmeta)).endsWith(" " + spare.getFirst().start());
        assertThat(Dmsetup.names()).noneMatch(n -> n.endsWith("-flex-thinmetaspare"));
        Guest.run("udevadm", "settle");
        Guest.run("mount", "/dev/stratis/fix/fs", "/mnt/repair");
        assertThat(Guest.run("sha256sum", "/mnt/repair/data").split(" ")[0]).isEqualTo(checksum);
        Guest.run("umount", "/mnt/repair");

        // Stopped and started again, the repaired copy checks: no second repair.
        daemon.pools().stopPool(pool);
        daemon.pools().startPool(pool);
        assertThat(daemon.process().log().split("Thin metadata of pool fix repaired", -1)).hasSize(2);
        assertThat(Guest.metadata(a).flexDevs().thinMetaDev()).isEqualTo(spare);
    }

    /** A cap sector's place on the loop device: V2's cap is the data tier's linear device, its one segment starting at 8192. */
    private static long onLoop(PoolSave save, long capSector) {
        List<PoolSave.Segment> segments = save.backstore().dataTier().blockdev().allocs().getFirst();
        assertThat(segments).hasSize(1);
        assertThat(segments.getFirst().length()).isGreaterThan(capSector);
        return segments.getFirst().start() + capSector;
    }
}
