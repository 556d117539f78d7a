package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.vm.PoolCalls.P9;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.types.UInt16;
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
 * The cache tier on a real kernel (real-engine spec §1.1, §1.4, §2.2; §9 row 25): a refused
 * {@code InitCache} leaves the pool as it was; {@code InitCache} converts the V2 placeholder into
 * {@code cache … 2048 1 writethrough default 0} keeping its device number, with a 512 MiB metadata
 * sub-device and the rest of the device as cache, recorded as {@code [cache, meta]};
 * {@code AddCacheDevs} grows the cache the kernel uses; the cap grows through the cache when the
 * data tier grows; the pool stops and starts with its cache, survives a daemon restart with its
 * devices adopted, and {@code StartPool} with {@code remove_cache} starts it on its placeholder and
 * wipes the cache devices. A file written before the cache existed reads back unchanged at each step.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CacheInVm {

    private static final String B9 = "org.storage.stratis3.blockdev.r9";
    private static final long FOUR_GIB = 4L << 30;
    private static final long TWO_GIB = 2L << 30;
    private static final String MOUNT = "/mnt/cache";

    private static LoopDevices loops;
    private static Path data;
    private static Path cache1;
    private static Path cache2;
    private static Path moreData;
    private static RealDaemon daemon;
    private static String poolPath;
    private static String uuid;
    private static String prefix;
    private static String checksum;

    @BeforeAll
    static void start() throws Exception {
        loops = new LoopDevices(Guest.scratch("cache"));
        data = loops.attach(loops.image("data.img", new byte[0], FOUR_GIB));
        cache1 = loops.attach(loops.image("cache1.img", new byte[0], TWO_GIB));
        cache2 = loops.attach(loops.image("cache2.img", new byte[0], TWO_GIB));
        moreData = loops.attach(loops.image("more.img", new byte[0], FOUR_GIB));
        daemon = RealDaemon.start("cache");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops, MOUNT);
    }

    private static StratisCalls calls() {
        return daemon.calls();
    }

    @Test
    @Order(1)
    void aPoolWithAFileWrittenBeforeItHasACache() throws Exception {
        poolPath = daemon.pools().createPool("cached", data);
        uuid = daemon.pools().uuid(poolPath, P9);
        prefix = "stratis-1-private-" + uuid + "-";
        daemon.pools().createFilesystem(poolPath, "fs");
        mount();
        Guest.run("dd", "if=/dev/urandom", "of=" + MOUNT + "/file", "bs=1M", "count=64", "conv=fsync", "status=none");
        checksum = sha256();
        Guest.run("umount", MOUNT);
        assertThat(Dmsetup.tables().get(prefix + "physical-cache")).contains(" linear ");
    }

    @Test
    @Order(2)
    void aRefusedInitCacheLeavesThePoolAsItWasAndTheDeviceUnowned() throws Exception {
        // A device under the cache sub-device's name that is not ours: the daemon must refuse to take it over.
        Guest.run("dmsetup", "create", prefix + "physical-cachesub", "--table", "0 8 zero");
        Map<String, String> before = Dmsetup.tables();
        try {
            StratisCalls.Result r = calls().call(poolPath, P9, "InitCache", "as", List.of(cache1.toString()));
            assertThat(r.rc()).as(r.message()).isEqualTo(1);
            assertThat(r.message()).contains(prefix + "physical-cachesub").contains("cached");
        } finally {
            Guest.run("dmsetup", "remove", prefix + "physical-cachesub");
        }
        Map<String, String> after = Dmsetup.tables();
        after.remove(prefix + "physical-cachesub");
        before.remove(prefix + "physical-cachesub");
        assertThat(after).isEqualTo(before);
        assertThat(Dmsetup.names()).doesNotContain(prefix + "physical-metasub");
        assertThat(Guest.run("dmsetup", "info", "-c", "--noheadings", "-o", "attr", prefix + "thinpool-pool").strip())
                .as("thin pool not left suspended").doesNotContain("s");
        assertThat(Guest.blkid(cache1)).doesNotContainKey("TYPE");
        assertThat(calls().get(poolPath, P9, "HasCache")).isEqualTo(false);
        assertThat(Guest.metadata(data).backstore().cacheTier()).isEmpty();
    }

    @Test
    @Order(3)
    void initCacheConvertsThePlaceholderInPlace() throws Exception {
        String cacheNumber = Dmsetup.devnums().get(prefix + "physical-cache");
        String originsub = Dmsetup.tables().get(prefix + "physical-originsub");
        long origin = originsub.lines().mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[1])).sum();

        long started = System.nanoTime();
        StratisCalls.Result r = calls().call(poolPath, P9, "InitCache", "as", List.of(cache1.toString())).ok();
        System.out.printf("figure: InitCache on one 2 GiB loop device: %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(r.struct()[0]).isEqualTo(true);
        assertThat((List<?>) r.struct()[1]).hasSize(1);
        String devPath = ((List<?>) r.struct()[1]).getFirst().toString();

        Map<String, String> nums = Dmsetup.devnums();
        Map<String, String> tables = Dmsetup.tables();
        String c1 = Guest.devNum(cache1).toString();
        assertThat(nums.get(prefix + "physical-cache")).as("the cap keeps its device number").isEqualTo(cacheNumber);
        assertThat(tables.get(prefix + "physical-metasub")).isEqualTo("0 1048576 linear " + c1 + " 8192");
        assertThat(tables.get(prefix + "physical-cachesub")).isEqualTo("0 3137536 linear " + c1 + " 1056768");
        assertThat(tables.get(prefix + "physical-cache")).isEqualTo("0 " + origin + " cache " + nums.get(prefix + "physical-metasub")
                + " " + nums.get(prefix + "physical-cachesub") + " " + nums.get(prefix + "physical-originsub")
                + " 2048 1 writethrough default 0");
        // status: <start> <len> cache <meta block size> <used>/<total meta blocks> <cache block size> <used>/<total cache blocks> ...
        assertThat(Dmsetup.status().get(prefix + "physical-cache").trim().split("\\s+")[6]).endsWith("/" + 3137536 / 2048);

        PoolSave save = Guest.metadata(data);
        PoolSave.CacheTier tier = save.backstore().cacheTier().orElseThrow();
        assertThat(tier.blockdev().allocs()).hasSize(2);
        assertThat(tier.blockdev().allocs().get(0)).extracting(PoolSave.Segment::start, PoolSave.Segment::length)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1056768L, 3137536L));
        assertThat(tier.blockdev().allocs().get(1)).extracting(PoolSave.Segment::start, PoolSave.Segment::length)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(8192L, 1048576L));
        assertThat(tier.blockdev().devs()).hasSize(1);
        assertThat(tier.blockdev().devs().getFirst().integrityMetaAllocs()).as("no integrity reservation on a cache device").isEmpty();
        assertThat(Guest.blkid(cache1)).containsEntry("TYPE", "stratis").containsEntry("POOL_UUID", hyphenated(uuid));

        assertThat(calls().get(poolPath, P9, "HasCache")).isEqualTo(true);
        assertThat(calls().get(devPath, B9, "Tier")).isEqualTo(new UInt16(1));
        assertThat(calls().get(devPath, B9, "Devnode")).isEqualTo(cache1.toString());

        assertThat(calls().call(poolPath, P9, "InitCache", "as", List.of(cache1.toString())).ok().struct()[0]).isEqualTo(false);
        StratisCalls.Result other = calls().call(poolPath, P9, "InitCache", "as", List.of(cache2.toString()));
        assertThat(other.rc()).isEqualTo(1);
        assertThat(other.message()).startsWith("The input requests initialization of a cache with different block devices");
        mount();
        assertThat(sha256()).isEqualTo(checksum);
        Guest.run("umount", MOUNT);
    }

    @Test
    @Order(4)
    void addCacheDevsGrowsTheCacheTheKernelUses() throws Exception {
        StratisCalls.Result inData = calls().call(poolPath, P9, "AddCacheDevs", "as", List.of(data.toString()));
        assertThat(inData.rc()).isEqualTo(1);
        assertThat(inData.message()).contains("but in the data tier not the cache tier");

        StratisCalls.Result r = calls().call(poolPath, P9, "AddCacheDevs", "as", List.of(cache2.toString(), cache1.toString())).ok();
        assertThat((List<?>) r.struct()[1]).hasSize(1);
        String c2 = Guest.devNum(cache2).toString();
        assertThat(Dmsetup.tables().get(prefix + "physical-cachesub")).endsWith("\n3137536 4186112 linear " + c2 + " 8192");
        long blocks = (3137536 + 4186112) / 2048;
        assertThat(Dmsetup.status().get(prefix + "physical-cache").trim().split("\\s+")[6]).endsWith("/" + blocks);
        PoolSave.CacheTier tier = Guest.metadata(data).backstore().cacheTier().orElseThrow();
        assertThat(tier.blockdev().devs()).hasSize(2);
        assertThat(tier.blockdev().allocs().get(0)).hasSize(2);
        assertThat(calls().call(poolPath, P9, "AddCacheDevs", "as", List.of(cache2.toString())).ok().struct()[0]).isEqualTo(false);
    }

    @Test
    @Order(5)
    void theCapGrowsThroughTheCacheWhenTheDataTierGrows() throws Exception {
        String before = Dmsetup.tables().get(prefix + "physical-cache");
        calls().call(poolPath, P9, "AddDataDevs", "as", List.of(moreData.toString())).ok();
        // The pool's next check (at most 10 s) grows the thin data onto the new device, through the cache.
        Guest.await("the cache's origin to grow", Duration.ofSeconds(90),
                () -> !Dmsetup.tables().get(prefix + "physical-cache").equals(before));
        Map<String, String> tables = Dmsetup.tables();
        long origin = tables.get(prefix + "physical-originsub").lines().mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[1])).sum();
        assertThat(tables.get(prefix + "physical-cache")).startsWith("0 " + origin + " cache ");
        assertThat(tables.get(prefix + "physical-originsub").lines().count()).isEqualTo(2);
        PoolSave save = Guest.awaitMetadata(data, "the growth recorded", Duration.ofSeconds(60),
                s -> s.backstore().dataTier().blockdev().allocs().getFirst().size() == 2);
        assertThat(save.backstore().cacheTier()).isPresent();
    }

    @Test
    @Order(6)
    void thePoolStopsAndStartsWithItsCacheAndSurvivesARestart() throws Exception {
        Map<String, String> tables = backstoreAndFlex();
        daemon.pools().stopPool(uuid);
        assertThat(Dmsetup.names()).noneMatch(n -> n.contains(uuid));
        daemon.pools().startPool(uuid);
        assertThat(backstoreAndFlex()).isEqualTo(tables);

        Map<String, String> numbers = Dmsetup.devnums();
        assertThat(daemon.stop()).isZero();
        daemon = RealDaemon.start("cache");
        Guest.await("the pool on D-Bus again", Duration.ofSeconds(60), () -> daemon.pools() != null && hasCache());
        assertThat(Dmsetup.devnums()).as("devices adopted, not re-created").isEqualTo(numbers);
        assertThat(backstoreAndFlex()).isEqualTo(tables);
        mount();
        assertThat(sha256()).isEqualTo(checksum);
        Guest.run("umount", MOUNT);
    }

    @Test
    @Order(7)
    void startPoolWithRemoveCacheStartsOnThePlaceholderAndWipesTheCacheDevices() throws Exception {
        daemon.pools().stopPool(uuid);
        assertThat(PoolCalls.startPoolWithoutCache(uuid)).isEqualTo("0 Ok");

        Map<String, String> tables = Dmsetup.tables();
        assertThat(tables.get(prefix + "physical-cache")).isEqualTo("0 " + tables.get(prefix + "physical-originsub").lines()
                .mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[1])).sum() + " linear "
                + Dmsetup.devnums().get(prefix + "physical-originsub") + " 0");
        assertThat(Dmsetup.names()).doesNotContain(prefix + "physical-cachesub", prefix + "physical-metasub");
        assertThat(Guest.blkid(cache1)).doesNotContainKey("TYPE");
        assertThat(Guest.blkid(cache2)).doesNotContainKey("TYPE");
        assertThat(Guest.metadata(data).backstore().cacheTier()).isEmpty();
        Guest.await("HasCache false", Duration.ofSeconds(30), () -> !hasCache());
        mount();
        assertThat(sha256()).isEqualTo(checksum);
        Guest.run("umount", MOUNT);
    }

    /** The pool's backstore and flex devices' tables, device numbers as names (the thin pool's low-water mark moves with checks). */
    private static Map<String, String> backstoreAndFlex() {
        Map<String, String> out = new java.util.TreeMap<>(Dmsetup.tablesByName());
        out.keySet().removeIf(n -> !n.startsWith(prefix + "physical-") && !n.startsWith(prefix + "flex-"));
        assertThat(out).containsKeys(prefix + "physical-cache", prefix + "physical-cachesub", prefix + "flex-mdv");
        return out;
    }

    private static boolean hasCache() {
        try {
            for (var e : daemon.client().managedObjects().entrySet()) {
                var props = e.getValue().get(P9);
                if (props != null && "cached".equals(props.get("Name").getValue())) {
                    poolPath = e.getKey().toString();
                    return Boolean.TRUE.equals(props.get("HasCache").getValue());
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static void mount() {
        Guest.run("udevadm", "settle");
        Guest.run("mkdir", "-p", MOUNT);
        Guest.run("mount", "/dev/stratis/cached/fs", MOUNT);
    }

    private static String sha256() {
        return Guest.run("sha256sum", MOUNT + "/file").split("\\s+")[0];
    }

    private static String hyphenated(String simple) {
        return simple.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5");
    }
}
