package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.StratisCalls.noSlot;
import static org.storage.stratisd.testsupport.StratisCalls.noU64;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;
import static org.storage.stratisd.testsupport.StratisCalls.slot;
import static org.storage.stratisd.vm.PoolCalls.CREATE_POOL;
import static org.storage.stratisd.vm.PoolCalls.M9;
import static org.storage.stratisd.vm.PoolCalls.MANAGER;
import static org.storage.stratisd.vm.PoolCalls.P9;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.storage.stratisd.engine.strat.device.FileBlockAccess;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * An encrypted version 2 pool on a real kernel (real-engine spec §1.1, §1.6, §6.1, §6.2, §6.5;
 * §9 row 17 for the keyring): created with a key description, its cap gets a LUKS2 header with
 * upstream's parameters and a {@code luks2-keyring} token, the flex devices live on the crypt
 * device from offset 0, data written through a filesystem reads back after a stop and a keyring
 * start and after a daemon restart; a start whose key is gone fails and leaves nothing set up;
 * destruction wipes the header; the key bytes are in no log. Observed with {@code dmsetup},
 * {@code cryptsetup luksDump} and the devices' bytes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EncryptionInVm {

    private static final long FOUR_GIB = 4L << 30;
    private static final String KEY = "enc-vm-secret-Hy7Qw3Zt";
    private static final String DESCRIPTION = "vmenc";
    private static final String SECOND = "vmenc2";
    private static final String KEY2 = "enc-vm-second-Pq5Rt8Vx";
    private static final String MOUNT = "/mnt/encryption-fs";

    private static Path dir;
    private static LoopDevices loops;
    private static Path a;
    private static Path b;
    private static Path c;
    private static Path cache;
    private static RealDaemon daemon;
    private static String poolPath;
    private static String pool;
    private static String checksum;
    /** Where the cap, and so the LUKS2 header, begins: the data tier's first segment. */
    private static PoolSave.Segment capStart;
    /** The device holding that segment. */
    private static Path capDevice;

    @BeforeAll
    static void twoLoopDevicesTheDaemonAndAKey() throws Exception {
        dir = Guest.scratch("encryption");
        loops = new LoopDevices(dir);
        a = loops.attach(loops.image("a.img", new byte[0], FOUR_GIB));
        b = loops.attach(loops.image("b.img", new byte[0], FOUR_GIB));
        c = loops.attach(loops.image("c.img", new byte[0], FOUR_GIB));
        cache = loops.attach(loops.image("cache.img", new byte[0], 2L << 30));
        daemon = RealDaemon.start("encryption");
        assertThat(daemon.pools().setKey(dir, DESCRIPTION, KEY.getBytes(StandardCharsets.US_ASCII)).rc()).isZero();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops, MOUNT);
        var keys = new org.storage.stratisd.engine.strat.keys.StratKeys(new org.storage.stratisd.kernel.KernelKeyring());
        keys.unset(DESCRIPTION);
        keys.unset(SECOND);
    }

    @Test
    @Order(1)
    void createPoolFormatsTheCapWithUpstreamsParametersAndBuildsTheFlexDevicesOnTheCryptDevice() throws Exception {
        long start = System.nanoTime();
        StratisCalls.Result r = daemon.calls().call(MANAGER, M9, "CreatePool", CREATE_POOL, "encpool",
                List.of(a.toString(), b.toString()), one(s(noSlot(), DESCRIPTION)),
                List.of(), noU64(), s(false, ""), s(false, false)).ok();
        System.out.printf("figure: CreatePool encrypted (keyring) on 2 loop devices: %d ms%n", (System.nanoTime() - start) / 1_000_000);
        poolPath = ((Object[]) ((Object[]) r.payload())[1])[0].toString();
        pool = (String) daemon.calls().get(poolPath, P9, "Uuid");
        assertThat(daemon.calls().get(poolPath, P9, "Encrypted")).isEqualTo(true);

        String prefix = "stratis-1-private-" + pool + "-";
        Map<String, String> tables = Dmsetup.tables();
        Map<String, String> num = Dmsetup.devnums();
        assertThat(tables.keySet()).containsExactlyInAnyOrder(prefix + "physical-originsub", prefix + "physical-cache", prefix + "crypt",
                prefix + "flex-thinmeta", prefix + "flex-thindata", prefix + "flex-mdv", prefix + "thinpool-pool");
        String cache = num.get(prefix + "physical-cache");
        String crypt = num.get(prefix + "crypt");
        long capSectors = Long.parseLong(tables.get(prefix + "physical-cache").split(" ")[1]);
        assertThat(tables.get(prefix + "crypt")).startsWith("0 " + (capSectors - 34816) + " crypt aes-xts-plain64 ")
                .contains(" 0 " + cache + " 34816");
        assertThat(Dmsetup.uuids().get(prefix + "crypt")).startsWith("CRYPT-LUKS2-").endsWith("-" + prefix + "crypt");
        assertThat(tables.get(prefix + "flex-thinmeta")).startsWith("0 ").contains(" linear " + crypt + " 0");
        assertThat(tables.get(prefix + "flex-mdv")).contains(" linear " + crypt + " ");

        String dump = Guest.run("cryptsetup", "luksDump", "/dev/mapper/" + prefix + "physical-cache");
        assertThat(dump).contains("65536 [bytes]").contains("16744448 [bytes]").contains("offset: 17825792 [bytes]")
                .contains("aes-xts-plain64").contains("luks2-keyring").contains("stratis-1-key-" + DESCRIPTION);

        PoolSave save = Guest.metadata(a);
        assertThat(save.features()).containsExactly("Encryption", "KeyDescriptionEnabled");
        assertThat(save.backstore().cap().cryptMetaAllocs()).containsExactly(new PoolSave.Range(0, 34816));
        assertThat(save.backstore().cap().allocs().getFirst().start()).as("the first flex range on the crypt device").isZero();
        capStart = save.backstore().dataTier().blockdev().allocs().getFirst().getFirst();
        capDevice = List.of(a, b).stream().filter(d -> capStart.parent().toString().equals(Guest.blkid(d).get("UUID"))).findFirst()
                .orElseThrow(() -> new AssertionError("no device has UUID " + capStart.parent()));
        assertThat(luksMagicAtCap()).as("the LUKS2 header where the cap begins").isTrue();
    }

    @Test
    @Order(2)
    void dataInAFilesystemReadsBackAfterStopAndAKeyringStart() throws Exception {
        daemon.pools().createFilesystem(poolPath, "fs1");
        Guest.run("udevadm", "settle");
        Guest.run("mkdir", "-p", MOUNT);
        Guest.run("mount", "/dev/stratis/encpool/fs1", MOUNT);
        Guest.run("sh", "-c", "head -c 8388608 /dev/urandom > " + MOUNT + "/data && sync");
        checksum = Guest.run("sha256sum", MOUNT + "/data").split(" ")[0];
        Guest.run("umount", MOUNT);

        daemon.pools().stopPool(pool);
        assertThat(Dmsetup.names()).noneMatch(n -> n.contains(pool));
        assertThat(((Map<?, ?>) daemon.calls().get(MANAGER, M9, "StoppedPools")).keySet().stream().map(Object::toString)).contains(pool);

        StratisCalls.Result none = daemon.calls().call(MANAGER, "org.storage.stratis3.Manager.r4", "StartPool", "ss(bs)", pool, "uuid",
                s(false, ""));
        assertThat(none.rc()).isNotZero();
        assertThat(none.message()).contains("No unlock mechanism was provided");
        assertThat(Dmsetup.names()).as("a refused start leaves nothing set up").noneMatch(n -> n.contains(pool));

        long start = System.nanoTime();
        startByKeyring().ok();
        System.out.printf("figure: StartPool by keyring: %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(Dmsetup.names()).contains("stratis-1-private-" + pool + "-crypt");
        Guest.run("udevadm", "settle");
        assertReadsBack();
    }

    @Test
    @Order(3)
    void aRestartedDaemonAdoptsTheOpenCryptDevice() throws Exception {
        Map<String, String> devnums = Dmsetup.devnums();
        assertThat(daemon.stop()).isZero();
        daemon.close();
        daemon = RealDaemon.start("encryption");
        assertThat(Dmsetup.devnums()).isEqualTo(devnums);
        poolPath = PoolCalls.objectPath(daemon.client(), P9, "encpool");
        assertThat(daemon.calls().get(poolPath, P9, "Encrypted")).isEqualTo(true);
        assertThat(text(daemon.calls().get(poolPath, P9, "KeyDescriptions"))).contains(DESCRIPTION);
        assertReadsBack();
    }

    /**
     * A reboot, as far as the pool can tell: the daemon stops with the pool running, its devices
     * go (removed here with dmsetup), and a new daemon finds the pool recorded as started but its
     * crypt device closed. It sets nothing up, lists the pool as stopped, and a keyring start runs it.
     */
    @Test
    @Order(4)
    void afterARebootThePoolWaitsForAKeyringStart() throws Exception {
        assertThat(daemon.stop()).isZero();
        daemon.close();
        Dmsetup.removeStack(pool);
        assertThat(Dmsetup.names()).noneMatch(n -> n.contains(pool));
        daemon = RealDaemon.start("encryption");
        assertThat(Dmsetup.names()).as("nothing set up without an unlock method").noneMatch(n -> n.contains(pool));
        assertThat(text(daemon.calls().get(MANAGER, M9, "StoppedPools"))).contains(pool).contains(DESCRIPTION);
        // busctl as the independent reader of the report: the pool waits for an unlock.
        String report = Guest.run("busctl", "--system", "--json=short", "call", "org.storage.stratis3", "/org/storage/stratis3",
                "org.storage.stratis3.Report.r9", "GetReport", "s", "stopped_pools");
        Map<?, ?> stopped = (Map<?, ?>) org.storage.stratisd.json.Json.parse(
                ((List<?>) ((Map<?, ?>) org.storage.stratisd.json.Json.parse(report)).get("data")).getFirst().toString());
        Map<?, ?> ours = ((List<?>) stopped.get("stopped_pools")).stream().map(Map.class::cast)
                .filter(p -> p.get("pool_uuid").toString().replace("-", "").equals(pool)).findFirst().orElseThrow();
        assertThat(((Map<?, ?>) ours.get("assembly")).get("state")).isEqualTo("locked");
        startByKeyringAndReadBack();
    }

    @Test
    @Order(5)
    void aStartWhoseKeyIsGoneFailsClearlyAndLeavesNothingSetUp() throws Exception {
        daemon.pools().stopPool(pool);
        unsetKey(DESCRIPTION);
        StratisCalls.Result r = startByKeyring();
        assertThat(r.rc()).isNotZero();
        assertThat(r.message()).contains("The key description \"" + DESCRIPTION + "\" is not currently set.");
        assertThat(Dmsetup.names()).noneMatch(n -> n.contains(pool));

        assertThat(daemon.pools().setKey(dir, DESCRIPTION, "not-the-key".getBytes(StandardCharsets.US_ASCII)).rc()).isZero();
        StratisCalls.Result wrong = startByKeyring();
        assertThat(wrong.rc()).isNotZero();
        assertThat(wrong.message()).contains("crypt").contains(pool);
        assertThat(Dmsetup.names()).noneMatch(n -> n.contains(pool));

        assertThat(daemon.pools().setKey(dir, DESCRIPTION, KEY.getBytes(StandardCharsets.US_ASCII)).rc()).isZero();
        startByKeyringAndReadBack();
    }

    /** A passphrase passed as a descriptor opens the pool when its key is not in the keyring. */
    @Test
    @Order(6)
    void aPassphraseDescriptorStartsThePoolWithoutTheKeyring() throws Exception {
        daemon.pools().stopPool(pool);
        unsetKey(DESCRIPTION);
        java.nio.file.Path file = dir.resolve("passphrase");
        java.nio.file.Files.write(file, "not-the-key".getBytes(StandardCharsets.US_ASCII));
        String wrong = PoolCalls.startPoolWithPassphrase(pool, file);
        assertThat(wrong).doesNotStartWith("0 ").contains("with the passphrase given");
        assertThat(Dmsetup.names()).noneMatch(n -> n.contains(pool));
        java.nio.file.Files.write(file, KEY.getBytes(StandardCharsets.US_ASCII));
        assertThat(PoolCalls.startPoolWithPassphrase(pool, file)).isEqualTo("0 Ok");
        java.nio.file.Files.delete(file);
        poolPath = PoolCalls.objectPath(daemon.client(), P9, "encpool");
        Guest.run("udevadm", "settle");
        assertReadsBack();
        // The growth below resizes the crypt device with the bound key, so it goes back into the keyring.
        assertThat(daemon.pools().setKey(dir, DESCRIPTION, KEY.getBytes(StandardCharsets.US_ASCII)).rc()).isZero();
    }

    /**
     * Bindings change on the running pool, each seen in the LUKS2 header: a second key description
     * bound in the next free token slot opens the pool alone; the first unbound (token and keyslot
     * gone); the remaining slot rebound to the first key; the last binding cannot be unbound.
     */
    @Test
    @Order(7)
    void keyDescriptionsAreBoundUnboundAndReboundInTheHeader() throws Exception {
        String cap = "/dev/mapper/stratis-1-private-" + pool + "-physical-cache";
        assertThat(daemon.pools().setKey(dir, SECOND, KEY2.getBytes(StandardCharsets.US_ASCII)).rc()).isZero();
        assertThat(daemon.calls().call(poolPath, P9, "BindKeyring", "s(bu)", SECOND, noSlot()).ok().payload()).isEqualTo(true);
        assertThat(daemon.calls().call(poolPath, P9, "BindKeyring", "s(bu)", SECOND, noSlot()).ok().payload()).isEqualTo(false);
        String dump = Guest.run("cryptsetup", "luksDump", cap);
        assertThat(dump).contains("stratis-1-key-" + DESCRIPTION).contains("stratis-1-key-" + SECOND);
        assertThat(text(daemon.calls().get(poolPath, P9, "KeyDescriptions"))).contains("1").contains(SECOND);

        // The second key alone opens the pool: the first is taken out of the keyring.
        daemon.pools().stopPool(pool);
        unsetKey(DESCRIPTION);
        startByKeyringAndReadBack();

        assertThat(daemon.calls().call(poolPath, P9, "UnbindKeyring", "(bu)", (Object) slot(0)).ok().payload()).isEqualTo(true);
        dump = Guest.run("cryptsetup", "luksDump", cap);
        assertThat(dump).doesNotContain("stratis-1-key-" + DESCRIPTION + "\n").contains("stratis-1-key-" + SECOND + "\n");
        assertThat(dump).doesNotContain("\n  0: luks2");
        StratisCalls.Result last = daemon.calls().call(poolPath, P9, "UnbindKeyring", "(bu)", (Object) slot(1));
        assertThat(last.rc()).isNotZero();
        assertThat(last.message()).contains("There is one remaining unlock method");

        assertThat(daemon.pools().setKey(dir, DESCRIPTION, KEY.getBytes(StandardCharsets.US_ASCII)).rc()).isZero();
        assertThat(daemon.calls().call(poolPath, P9, "RebindKeyring", "s(bu)", DESCRIPTION, slot(1)).ok().payload()).isEqualTo(true);
        dump = Guest.run("cryptsetup", "luksDump", cap);
        assertThat(dump).contains("stratis-1-key-" + DESCRIPTION).doesNotContain("stratis-1-key-" + SECOND);
        unsetKey(SECOND);
        daemon.pools().stopPool(pool);
        startByKeyringAndReadBack();
    }

    /**
     * The pool's initial thin data takes nearly all its space, so its check finds it cannot grow
     * until a device is added; then the cap grows, the crypt device is resized to the cap less the
     * header area, and the thin data grows onto it (spec §2.3).
     */
    @Test
    @Order(8)
    void anAddedDataDeviceGrowsTheCryptDeviceAndTheThinPoolOntoIt() throws Exception {
        String prefix = "stratis-1-private-" + pool + "-";
        String before = Dmsetup.tables().get(prefix + "thinpool-pool").split(" ")[1];
        daemon.calls().call(poolPath, P9, "AddDataDevs", "as", List.of(c.toString())).ok();
        Guest.await("the thin data to grow", Duration.ofSeconds(90),
                () -> !Dmsetup.tables().get(prefix + "thinpool-pool").split(" ")[1].equals(before));
        Map<String, String> tables = Dmsetup.tables();
        long capSectors = Long.parseLong(tables.get(prefix + "physical-cache").split(" ")[1]);
        assertThat(tables.get(prefix + "crypt")).startsWith("0 " + (capSectors - 34816) + " crypt ");
        assertThat(tables.get(prefix + "flex-thindata")).contains(" linear " + Dmsetup.devnums().get(prefix + "crypt") + " ");
        assertReadsBack();
    }

    /**
     * A cache tier under the crypt device: the placeholder becomes a dm-cache device in place
     * (same device number, so the crypt device above it is untouched), the cache holds ciphertext,
     * and the data reads back, also after a stop and a keyring start.
     */
    @Test
    @Order(9)
    void aCacheTierGoesUnderTheCryptDevice() throws Exception {
        String prefix = "stratis-1-private-" + pool + "-";
        String placeholder = Dmsetup.devnums().get(prefix + "physical-cache");
        String cryptTable = Dmsetup.tables().get(prefix + "crypt");
        daemon.calls().call(poolPath, P9, "InitCache", "as", List.of(cache.toString())).ok();
        Map<String, String> tables = Dmsetup.tables();
        assertThat(Dmsetup.devnums().get(prefix + "physical-cache")).isEqualTo(placeholder);
        assertThat(tables.get(prefix + "physical-cache")).contains(" cache ").contains(" writethrough ");
        assertThat(tables.get(prefix + "crypt")).isEqualTo(cryptTable);
        assertThat(daemon.calls().get(poolPath, P9, "HasCache")).isEqualTo(true);
        assertReadsBack();
        daemon.pools().stopPool(pool);
        assertThat(Dmsetup.names()).noneMatch(n -> n.contains(pool));
        startByKeyring().ok();
        poolPath = PoolCalls.objectPath(daemon.client(), P9, "encpool");
        assertThat(Dmsetup.tables().get(prefix + "physical-cache")).contains(" cache ");
        Guest.run("udevadm", "settle");
        assertReadsBack();
    }

    @Test
    @Order(10)
    void destroyPoolWipesTheLuksHeader() throws Exception {
        assertThat(luksMagicAtCap()).isTrue();
        String fs = PoolCalls.objectPath(daemon.client(), PoolCalls.F9, "fs1");
        daemon.calls().call(poolPath, P9, "DestroyFilesystems", "ao", List.of(new org.freedesktop.dbus.DBusPath(fs))).ok();
        daemon.calls().call(MANAGER, M9, "DestroyPool", "o", new org.freedesktop.dbus.DBusPath(poolPath)).ok();
        assertThat(Dmsetup.names()).noneMatch(n -> n.contains(pool));
        assertThat(luksMagicAtCap()).isFalse();
        for (Path dev : List.of(a, b, c, cache)) {
            assertThat(Guest.blkid(dev)).doesNotContainEntry("TYPE", "stratis");
        }
    }

    @Test
    @Order(11)
    void theKeyBytesAreInNoLogAndNoReport() throws Exception {
        String report = (String) daemon.calls().call(MANAGER, M9, "EngineStateReport", "").ok().payload();
        daemon.stop();
        String log = daemon.process().log();
        assertThat(log).contains("Started StratisdApplication").doesNotContain(KEY).doesNotContain(KEY2);
        assertThat(report).doesNotContain(KEY).doesNotContain(KEY2);
    }

    /** StartPool (Manager.r4) with the unlock method "any": the pool's keyring tokens, in slot order. */
    private static StratisCalls.Result startByKeyring() throws Exception {
        return daemon.calls().call(MANAGER, "org.storage.stratis3.Manager.r4", "StartPool", "ss(bs)", pool, "uuid", s(true, "any"));
    }

    private static void startByKeyringAndReadBack() throws Exception {
        startByKeyring().ok();
        poolPath = PoolCalls.objectPath(daemon.client(), P9, "encpool");
        Guest.run("udevadm", "settle");
        assertReadsBack();
    }

    private static void unsetKey(String description) throws Exception {
        assertThat(daemon.calls().call(MANAGER, M9, "UnsetKey", "s", description).ok().payload()).isEqualTo(true);
    }

    private static void assertReadsBack() throws Exception {
        Guest.run("mount", "/dev/stratis/encpool/fs1", MOUNT);
        try {
            assertThat(Guest.run("sha256sum", MOUNT + "/data").split(" ")[0]).isEqualTo(checksum);
        } finally {
            Guest.run("umount", MOUNT);
        }
    }

    /** A D-Bus value as text, arrays, lists, maps and variants of any depth spelled out. */
    private static String text(Object value) {
        if (value instanceof org.freedesktop.dbus.types.Variant<?> variant) {
            return text(variant.getValue());
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> text(e.getKey()) + "=" + text(e.getValue())).toList().toString();
        }
        if (value instanceof Object[] array) {
            return java.util.Arrays.stream(array).map(EncryptionInVm::text).toList().toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(EncryptionInVm::text).toList().toString();
        }
        return String.valueOf(value);
    }

    private static boolean luksMagicAtCap() throws Exception {
        try (FileBlockAccess access = FileBlockAccess.openReadOnly(capDevice)) {
            byte[] magic = access.readBytes(capStart.start() * 512, 6);
            return java.util.Arrays.equals(magic, new byte[] {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe});
        }
    }

}
