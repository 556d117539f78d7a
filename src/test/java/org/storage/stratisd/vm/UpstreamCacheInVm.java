package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.vm.PoolCalls.P9;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.freedesktop.dbus.types.UInt16;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * Upstream 3.5.9's pool p1 with the cache tier it added (real-engine spec §9 rows 4 and 25, metadata
 * version 1): its three devices rebuilt from the fixture, set up by our daemon into the tables
 * upstream's own set-up from disk loaded (step f: {@code physical-cache} as dm-cache over
 * originsub, the flex devices on it); started without its cache, it runs on originsub alone as
 * upstream's step b did and its cache device is wiped; {@code InitCache} on that device then gives
 * it upstream's cache stack again, the flex devices moved onto the new cap.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpstreamCacheInVm {

    private static final String P1 = "d738f9db9ae34b4c968faedcb51943b1";
    private static final String PREFIX = "stratis-1-private-" + P1 + "-";
    private static final long TWO_GIB = 2L << 30;

    private static LoopDevices loops;
    private static Path loop0;
    private static Path loop1;
    private static Path loop2;
    private static RealDaemon daemon;

    @BeforeAll
    static void upstreamsDevices() throws Exception {
        loops = new LoopDevices(Guest.scratch("upstream-cache"));
        Path image0 = loops.image("p1-loop0.img", Fixtures.dump("p1/loop0-first16MiB.bin.gz"), TWO_GIB);
        Path image1 = loops.image("p1-loop1.img", Fixtures.dump("p1/loop1-first16MiB.bin.gz"), TWO_GIB);
        Path image2 = loops.image("p1-loop2.img", Fixtures.dump("p1/loop2-first16MiB.bin.gz"), TWO_GIB);
        emptyTheCache(image2);
        UpstreamPoolsInVm.rebuildMetadataVolume(image1);
        loop0 = loops.attach(image0);
        loop1 = loops.attach(image1);
        loop2 = loops.attach(image2);
        daemon = RealDaemon.start("upstream-cache");
    }

    /**
     * The fixture holds the cache device's first 16 MiB only: its BDA and the start of the cache's
     * metadata, not the cached blocks (at 516 MiB and beyond). Reads of blocks the metadata says are
     * cached would return zeros, so the cache's metadata superblock is zeroed and the kernel starts
     * the cache empty (write-through: the origin holds every block). The BDA stays upstream's.
     */
    private static void emptyTheCache(Path image) throws Exception {
        try (FileChannel f = FileChannel.open(image, StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.allocate(4096), 8192L * 512);
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops);
    }

    private static StratisCalls calls() {
        return daemon.calls();
    }

    @Test
    @Order(1)
    void upstreamsCachedPoolIsSetUpIntoTheTablesOfUpstreamsSetUpFromDisk() throws Exception {
        String step = "p1-f-restart-from-disk";
        Map<String, String> expected = UpstreamPoolsInVm.normalised(UpstreamPoolsInVm.fixtureTables(step),
                UpstreamPoolsInVm.fixtureNumbers(step), Map.of("7:0", "loopA", "7:1", "loopB", "7:2", "loopC"));
        assertThat(expected.get(PREFIX + "physical-cache")).contains(" cache <" + PREFIX + "physical-metasub> ");
        Map<String, String> ours = ours();
        ours.keySet().retainAll(expected.keySet());
        assertThat(ours).isEqualTo(expected);
        assertThat(Dmsetup.names().stream().filter(n -> n.contains(P1)).toList()).hasSize(expected.size());

        String poolPath = poolPath();
        assertThat(calls().get(poolPath, P9, "HasCache")).isEqualTo(true);
        assertThat(blockdevTier(loop2)).isEqualTo(new UInt16(1));
        assertThat(blockdevTier(loop0)).isEqualTo(new UInt16(0));
    }

    @Test
    @Order(2)
    void startedWithoutItsCacheItRunsOnOriginsubAsUpstreamsStepBAndTheCacheDeviceIsWiped() throws Exception {
        daemon.pools().stopPool(P1);
        assertThat(PoolCalls.startPoolWithoutCache(P1)).isEqualTo("0 Ok");

        String step = "p1-b-after-fs-snap";
        Map<String, String> expected = backstoreAndFlex(UpstreamPoolsInVm.normalised(UpstreamPoolsInVm.fixtureTables(step),
                UpstreamPoolsInVm.fixtureNumbers(step), Map.of("7:0", "loopA", "7:1", "loopB")));
        assertThat(expected).doesNotContainKey(PREFIX + "physical-cache");
        assertThat(backstoreAndFlex(ours())).isEqualTo(expected);
        assertThat(Guest.blkid(loop2)).doesNotContainKey("TYPE");
        assertThat(Guest.metadata(loop0).backstore().cacheTier()).isEmpty();
        assertThat(calls().get(poolPath(), P9, "HasCache")).isEqualTo(false);
    }

    @Test
    @Order(3)
    void initCacheGivesTheVersionOnePoolUpstreamsCacheStackAgain() throws Exception {
        calls().call(poolPath(), P9, "InitCache", "as", List.of(loop2.toString())).ok();

        String step = "p1-f-restart-from-disk";
        Map<String, String> expected = backstoreAndFlex(UpstreamPoolsInVm.normalised(UpstreamPoolsInVm.fixtureTables(step),
                UpstreamPoolsInVm.fixtureNumbers(step), Map.of("7:0", "loopA", "7:1", "loopB", "7:2", "loopC")));
        assertThat(backstoreAndFlex(ours())).isEqualTo(expected);
        assertThat(Guest.blkid(loop2)).containsEntry("TYPE", "stratis");
        assertThat(Guest.metadata(loop0).backstore().cacheTier()).isPresent();
        assertThat(calls().get(poolPath(), P9, "HasCache")).isEqualTo(true);
        // The mounted metadata volume moved onto the new cap with the rest: a record change still lands.
        calls().call(poolPath(), P9, "SetName", "s", "p1-renamed").ok();
        assertThat(calls().get(poolPath(), P9, "Name")).isEqualTo("p1-renamed");
    }

    private static Map<String, String> ours() throws Exception {
        return new TreeMap<>(UpstreamPoolsInVm.normalised(Dmsetup.tables(), Dmsetup.devnums(), Map.of(
                Guest.devNum(loop0).toString(), "loopA", Guest.devNum(loop1).toString(), "loopB",
                Guest.devNum(loop2).toString(), "loopC")));
    }

    /** Only the backstore's and flex devices' tables (the thin pool's low-water mark moves with checks). */
    private static Map<String, String> backstoreAndFlex(Map<String, String> tables) {
        Map<String, String> out = new TreeMap<>(tables);
        out.keySet().removeIf(n -> !n.startsWith(PREFIX + "physical-") && !n.startsWith(PREFIX + "flex-"));
        return out;
    }

    private static String poolPath() throws Exception {
        for (var e : daemon.client().managedObjects().entrySet()) {
            if (e.getValue().containsKey(P9)) {
                return e.getKey().toString();
            }
        }
        throw new AssertionError("no pool on D-Bus");
    }

    private static Object blockdevTier(Path device) throws Exception {
        for (var e : daemon.client().managedObjects().entrySet()) {
            var props = e.getValue().get("org.storage.stratis3.blockdev.r9");
            if (props != null && device.toString().equals(props.get("Devnode").getValue())) {
                return props.get("Tier").getValue();
            }
        }
        throw new AssertionError("no block device " + device);
    }
}
