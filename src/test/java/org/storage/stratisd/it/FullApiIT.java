package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.BusClient.ROOT;
import static org.storage.stratisd.testsupport.StratisCalls.createArgs;
import static org.storage.stratisd.testsupport.StratisCalls.noSlot;
import static org.storage.stratisd.testsupport.StratisCalls.noU64;
import static org.storage.stratisd.testsupport.StratisCalls.o;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;
import static org.storage.stratisd.testsupport.StratisCalls.slot;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.FileDescriptor;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.messages.Error;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.dbus.wire.InterceptingSocketProvider;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.RunningDaemon;
import org.storage.stratisd.testsupport.StratisCalls;
import org.storage.stratisd.testsupport.StratisCalls.ChangeRecorder;
import org.storage.stratisd.testsupport.StratisCalls.Result;

/**
 * The whole org.storage.stratis3 API of the simulator over a real dbus-daemon, driven by a
 * dbus-java client: every method for success and its documented errors, every writable property
 * through {@code Properties.Set}, and the signals a subscriber sees.
 */
class FullApiIT {

    private static final String M9 = "org.storage.stratis3.Manager.r9";
    private static final String P9 = "org.storage.stratis3.pool.r9";
    private static final String F9 = "org.storage.stratis3.filesystem.r9";
    private static final String B9 = "org.storage.stratis3.blockdev.r9";

    private static RunningDaemon running;
    private static BusClient client;
    private static StratisCalls stratis;

    @BeforeAll
    static void startDaemon() throws Exception {
        running = RunningDaemon.start();
        client = running.client();
        stratis = new StratisCalls(client);
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (running != null) {
            running.close();
        }
    }

    private static String pool(String name, String... devices) throws Exception {
        Result created = stratis.call(ROOT, M9, "CreatePool", BusClient.CREATE_POOL_R9, createArgs(name, List.of(devices))).ok();
        return ((DBusPath) ((Object[]) created.struct()[1])[0]).getPath();
    }

    private static String filesystem(String poolPath, String name) throws Exception {
        Result created = stratis.call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))",
                one(s(name, s(false, ""), s(false, "")))).ok();
        return ((DBusPath) ((Object[]) ((List<?>) created.struct()[1]).getFirst())[0]).getPath();
    }

    private static FileDescriptor fdOf(Path file, List<AutoCloseable> open) throws Exception {
        FileInputStream in = new FileInputStream(file.toFile());
        open.add(in);
        return FileDescriptor.fromJavaFileDescriptor(in.getFD(), new InterceptingSocketProvider());
    }

    private static Result setKey(String description, byte[] key) throws Exception {
        Path file = Files.createTempFile("key", ".bin");
        Files.write(file, key);
        List<AutoCloseable> open = new java.util.ArrayList<>();
        try {
            return stratis.call(ROOT, M9, "SetKey", "sh", description, fdOf(file, open));
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
            Files.delete(file);
        }
    }

    // ---- keys

    @Test
    void keysAreSetFromAPassedDescriptorListedAndUnset() throws Exception {
        assertThat(setKey("key-a", "secret".getBytes()).ok().struct()).containsExactly(true, false);
        assertThat(setKey("key-a", "other".getBytes()).ok().struct()).containsExactly(true, true);
        assertThat(setKey("key-a", "other".getBytes()).ok().struct()).containsExactly(false, false);
        setKey("key-64", new byte[64]).failed("Provided key exceeded maximum allow length of 64 bytes");
        assertThat(client.python("set-key", "key-pipe-64", "pipe", "61".repeat(64)).<List<Object>>json("$"))
                .as("64 bytes through a pipe whose writer stays open are accepted")
                .isEqualTo(List.of(List.of(true, false), 0, "Ok"));
        assertThat(client.python("set-key", "key-pipe-65", "pipe", "61".repeat(65)).<String>json("$[2]"))
                .isEqualTo("Provided key exceeded maximum allow length of 64 bytes");
        setKey("key-65", new byte[65]).failed("Provided key exceeded maximum allow length of 64 bytes");

        @SuppressWarnings("unchecked")
        List<Object> keys = (List<Object>) stratis.call(ROOT, M9, "ListKeys", "").ok().payload();
        assertThat(keys).contains("key-a").doesNotContain("key-64");
        assertThat(stratis.call(ROOT, M9, "UnsetKey", "s", "key-a").ok().payload()).isEqualTo(true);
        assertThat(stratis.call(ROOT, M9, "UnsetKey", "s", "key-a").ok().payload()).isEqualTo(false);
    }

    // ---- filesystems

    @Test
    void filesystemsAreCreatedSnapshottedRenamedAndDestroyedWithTheirSignals() throws Exception {
        String poolPath = pool("fs-pool", "/dev/fs-a");
        String fsPath = filesystem(poolPath, "fs1");
        Map<String, Variant<?>> fs = client.managedObjects().entrySet().stream()
                .filter(e -> e.getKey().getPath().equals(fsPath)).findFirst().orElseThrow().getValue().get(F9);
        assertThat(fs.get("Devnode").getValue()).isEqualTo("/somepath/fs-pool/fs1");
        assertThat(fs.get("Size").getValue()).isEqualTo("1099511627776");
        assertThat(((Object[]) fs.get("Used").getValue())).containsExactly(true, "549755813888");
        assertThat(((Object[]) fs.get("Origin").getValue())).containsExactly(false, "00000000000000000000000000000000");
        assertThat(((DBusPath) fs.get("Pool").getValue()).getPath()).isEqualTo(poolPath);

        stratis.call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))",
                List.<Object>of(s("a", s(false, ""), s(false, "")), s("b", s(false, ""), s(false, ""))))
                .failed("Currently filesystem creation is limited to one filesystem at a time");
        stratis.call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))", one(s("c", s(true, "12x"), s(false, ""))))
                .failed("Could not parse filesystem size string 12x to integer value");
        assertThat(stratis.call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))", List.of()).ok().struct()[0]).isEqualTo(false);
        assertThat(stratis.call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))",
                one(s("fs1", s(false, ""), s(false, "")))).ok().struct()[0]).isEqualTo(false);

        Result snapshot = stratis.call(poolPath, P9, "SnapshotFilesystem", "os", o(fsPath), "snap1").ok();
        String snapPath = ((DBusPath) snapshot.struct()[1]).getPath();
        assertThat((Object[]) stratis.get(snapPath, F9, "Origin")).containsExactly(true, stratis.get(fsPath, F9, "Uuid"));
        stratis.call(poolPath, P9, "SnapshotFilesystem", "os", o("/org/storage/stratis3/99999"), "x")
                .failed("No filesystem UUID associated with path /org/storage/stratis3/99999");

        try (ChangeRecorder changes = new ChangeRecorder(client)) {
            assertThat(stratis.call(fsPath, F9, "SetName", "s", "fs2").ok().struct()[0]).isEqualTo(true);
            List<Properties.PropertiesChanged> signals = changes.drain(500);
            assertThat(signals).hasSize(20);
            assertThat(signals.subList(0, 10)).allSatisfy(sig -> assertThat(sig.getPropertiesChanged()).containsKey("Name"));
            assertThat(signals.subList(10, 20)).allSatisfy(sig -> assertThat(sig.getPropertiesRemoved()).containsExactly("Devnode"));
            assertThat(signals.stream().map(Properties.PropertiesChanged::getInterfaceName).distinct()).hasSize(10);
        }
        assertThat(stratis.get(fsPath, F9, "Devnode")).isEqualTo("/somepath/fs-pool/fs2");
        assertThat(stratis.call(fsPath, F9, "SetName", "s", "fs2").ok().struct()).containsExactly(false, "00000000000000000000000000000000");
        stratis.call(fsPath, F9, "SetName", "s", "snap1").failed("Entry with name snap1 already exists");

        try (ChangeRecorder changes = new ChangeRecorder(client)) {
            Result destroyed = stratis.call(poolPath, P9, "DestroyFilesystems", "ao", List.of(o(fsPath), o("/nowhere/x"))).ok();
            assertThat((List<?>) destroyed.struct()[1]).hasSize(1);
            List<Properties.PropertiesChanged> signals = changes.drain(500);
            assertThat(signals).filteredOn(sig -> sig.getPropertiesChanged().containsKey("Origin")).hasSize(3)
                    .allSatisfy(sig -> assertThat(sig.getPath()).isEqualTo(snapPath));
        }
        assertThat((Object[]) stratis.get(snapPath, F9, "Origin")).containsExactly(false, "00000000000000000000000000000000");
        assertThat(client.managedPaths()).doesNotContain(fsPath).contains(snapPath);
    }

    @Test
    void poolRenameSignalsTheNameAndInvalidatesEveryFilesystemDevnode() throws Exception {
        String poolPath = pool("rename-me", "/dev/rn");
        String fsPath = filesystem(poolPath, "f");
        try (ChangeRecorder changes = new ChangeRecorder(client)) {
            assertThat(stratis.call(poolPath, P9, "SetName", "s", "renamed").ok().struct()[0]).isEqualTo(true);
            List<Properties.PropertiesChanged> signals = changes.drain(500);
            assertThat(signals).filteredOn(sig -> sig.getPath().equals(poolPath)).hasSize(10)
                    .allSatisfy(sig -> assertThat(sig.getPropertiesChanged().get("Name").getValue()).isEqualTo("renamed"));
            assertThat(signals).filteredOn(sig -> sig.getPath().equals(fsPath)).hasSize(10)
                    .allSatisfy(sig -> assertThat(sig.getPropertiesRemoved()).containsExactly("Devnode"));
        }
        assertThat(stratis.get(fsPath, F9, "Devnode")).isEqualTo("/somepath/renamed/f");
        assertThat(stratis.call(poolPath, P9, "SetName", "s", "renamed").ok().struct()).containsExactly(false, "");
        stratis.call(poolPath, P9, "SetName", "s", "a b").failed("Provided string contains characters not allowed in udev symlinks: a b");
    }

    // ---- writable properties

    @Test
    void writablePropertiesAreSetThroughPropertiesSet() throws Exception {
        String poolPath = pool("props", "/dev/props");
        String fsPath = filesystem(poolPath, "f");
        String snapPath = ((DBusPath) stratis.call(poolPath, P9, "SnapshotFilesystem", "os", o(fsPath), "s").ok().struct()[1]).getPath();
        String devPath = client.managedObjects().entrySet().stream()
                .filter(e -> e.getValue().containsKey(B9)
                        && ((DBusPath) e.getValue().get(B9).get("Pool").getValue()).getPath().equals(poolPath))
                .findFirst().orElseThrow().getKey().getPath();

        try (ChangeRecorder changes = new ChangeRecorder(client)) {
            assertThat(stratis.set(poolPath, P9, "FsLimit", new Variant<>(new UInt64(20)))).isNull();
            assertThat(changes.drain(500)).hasSize(9).allSatisfy(sig -> assertThat(sig.getPropertiesChanged()).containsKey("FsLimit"));
            assertThat(stratis.set(poolPath, P9, "Overprovisioning", new Variant<>(true))).isNull();
            assertThat(changes.drain(500)).as("Overprovisioning is announced even when unchanged").hasSize(9);
        }
        assertThat(stratis.get(poolPath, P9, "FsLimit")).isEqualTo(new UInt64(20));
        Error smaller = stratis.set(poolPath, P9, "FsLimit", new Variant<>(new UInt64(5)));
        assertThat(smaller.getName()).isEqualTo("org.freedesktop.DBus.Error.Failed");
        assertThat(smaller.getParameters()[0]).isEqualTo("New filesystem limit must be greater than old limit");

        assertThat(stratis.set(fsPath, F9, "SizeLimit", new Variant<>(s(true, "2199023255552"), "(bs)"))).isNull();
        assertThat((Object[]) stratis.get(fsPath, F9, "SizeLimit")).containsExactly(true, "2199023255552");
        assertThat(stratis.set(fsPath, F9, "SizeLimit", new Variant<>(s(true, "lots"), "(bs)")).getParameters()[0])
                .isEqualTo("Failed to parse lots as unsigned integer: invalid digit found in string");
        assertThat(stratis.set(fsPath, F9, "MergeScheduled", new Variant<>(true)).getParameters()[0].toString())
                .endsWith("has no origin, revert cannot be scheduled");
        assertThat(stratis.set(snapPath, F9, "MergeScheduled", new Variant<>(true))).isNull();
        assertThat(stratis.get(snapPath, F9, "MergeScheduled")).isEqualTo(true);

        assertThat(stratis.set(devPath, B9, "UserInfo", new Variant<>(s(true, "rack-7"), "(bs)"))).isNull();
        assertThat((Object[]) stratis.get(devPath, B9, "UserInfo")).containsExactly(true, "rack-7");
        assertThat(stratis.set(devPath, B9, "UserInfo", new Variant<>(s(true, "a b"), "(bs)")).getParameters()[0])
                .isEqualTo("Provided string contains characters not allowed in udev symlinks: a b");
        Result legacy = stratis.call(devPath, "org.storage.stratis3.blockdev.r0", "SetUserInfo", "(bs)", (Object) s(true, "old-api"));
        assertThat(legacy.ok().struct()[0]).isEqualTo(true);

        assertThat(stratis.set(poolPath, P9, "Name", new Variant<>("x")).getName()).isEqualTo("org.freedesktop.DBus.Error.UnknownProperty");
        assertThat(stratis.set(devPath, "org.storage.stratis3.blockdev.r2", "UserInfo", new Variant<>(s(true, "x"), "(bs)")).getName())
                .isEqualTo("org.freedesktop.DBus.Error.UnknownProperty");
        assertThat(stratis.set(poolPath, P9, "FsLimit", new Variant<>("many")).getName()).isEqualTo("org.freedesktop.DBus.Error.InvalidArgs");
    }

    // ---- devices

    @Test
    void dataAndCacheDevicesAreAddedAndTheCacheAnnounced() throws Exception {
        String poolPath = pool("devs", "/dev/d0");
        Result added = stratis.call(poolPath, P9, "AddDataDevs", "as", List.of("/dev/d0", "/dev/d1")).ok();
        assertThat((List<?>) added.struct()[1]).hasSize(1);
        stratis.call(poolPath, P9, "AddCacheDevs", "as", List.of("/dev/c1"))
                .failed("The cache has not been initialized; you must use init_cache first to initialize the cache.");
        try (ChangeRecorder changes = new ChangeRecorder(client)) {
            assertThat((List<?>) stratis.call(poolPath, P9, "InitCache", "as", List.of("/dev/c0")).ok().struct()[1]).hasSize(1);
            assertThat(changes.drain(500)).filteredOn(sig -> sig.getPropertiesChanged().containsKey("HasCache")).hasSize(10);
        }
        assertThat(stratis.get(poolPath, P9, "HasCache")).isEqualTo(true);
        assertThat((List<?>) stratis.call(poolPath, P9, "AddCacheDevs", "as", List.of("/dev/c1")).ok().struct()[1]).hasSize(1);
        stratis.call(poolPath, P9, "AddCacheDevs", "as", List.of("/dev/d1")).failed(
                "Devices /dev/d1 are already in the data tier of pool with UUID "
                        + formatUuid((String) stratis.get(poolPath, P9, "Uuid")) + " and name devs");
        assertThat(stratis.call(poolPath, P9, "GrowPhysicalDevice", "s", "not-a-uuid").rc()).isEqualTo(1);
        // Found by an outside fuzzer: the same UUID in Arabic-Indic digits was taken for one (rc 0).
        Result arabic = stratis.call(poolPath, P9, "GrowPhysicalDevice", "s", "\u0660".repeat(31) + "\u0661");
        assertThat(arabic.rc()).isEqualTo(1);
        assertThat(arabic.message()).startsWith("Uuid error: invalid character");
        assertThat(stratis.call(poolPath, P9, "GrowPhysicalDevice", "s", "00000000000000000000000000000001").ok().payload()).isEqualTo(false);
    }

    private static String formatUuid(String simple) {
        return simple.substring(0, 8) + "-" + simple.substring(8, 12) + "-" + simple.substring(12, 16) + "-"
                + simple.substring(16, 20) + "-" + simple.substring(20);
    }

    // ---- encryption

    @Test
    void encryptedPoolsBindUnbindRebindAndReencrypt() throws Exception {
        setKey("enc-key", "pw".getBytes()).ok();
        Result created = stratis.call(ROOT, M9, "CreatePool", BusClient.CREATE_POOL_R9, "enc-pool", List.of("/dev/e0"),
                one(s(noSlot(), "enc-key")), List.of(), noU64(), s(false, ""), s(false, false)).ok();
        String poolPath = ((DBusPath) ((Object[]) created.struct()[1])[0]).getPath();
        assertThat(stratis.get(poolPath, P9, "Encrypted")).isEqualTo(true);
        assertThat((List<?>) stratis.get(poolPath, P9, "KeyDescriptions")).hasSize(1);
        assertThat((Object[]) stratis.get(poolPath, P9, "FreeTokenSlots")).containsExactly(true, (byte) 14);

        assertThat(stratis.call(poolPath, P9, "BindClevis", "ss(bu)", "tang", "{\"url\": \"http://t\"}", slot(4)).ok().payload()).isEqualTo(true);
        assertThat((List<?>) stratis.get(poolPath, P9, "ClevisInfos")).hasSize(1);
        stratis.call(poolPath, P9, "BindClevis", "ss(bu)", "tang", "{", noSlot()).failed("Serde error: EOF while parsing an object at line 1 column 1");
        assertThat(stratis.call(poolPath, P9, "BindKeyring", "s(bu)", "enc-key", noSlot()).ok().payload()).isEqualTo(false);
        assertThat(stratis.call(poolPath, P9, "RebindKeyring", "s(bu)", "enc-key2", noSlot()).ok().payload()).isEqualTo(true);
        assertThat(stratis.call(poolPath, P9, "RebindClevis", "(bu)", (Object) noSlot()).ok().payload()).isEqualTo(true);
        assertThat(stratis.call(poolPath, P9, "UnbindClevis", "(bu)", (Object) noSlot()).ok().payload()).isEqualTo(true);
        stratis.call(poolPath, P9, "UnbindKeyring", "(bu)", (Object) noSlot()).failed(
                "There is one remaining unlock method; removing the key description binding would remove the ability to open this device; aborting");
        assertThat(stratis.call(poolPath, "org.storage.stratis3.pool.r0", "BindKeyring", "s", "enc-key2").ok().payload()).isEqualTo(false);
        stratis.call(poolPath, "org.storage.stratis3.pool.r0", "BindKeyring", "s", "other")
                .failed("Attempted to bind to key description with other; already bound with enc-key2");
        assertThat((Object[]) stratis.get(poolPath, "org.storage.stratis3.pool.r0", "KeyDescription"))
                .satisfies(kd -> assertThat((Object[]) kd[1]).containsExactly(true, "enc-key2"));

        assertThat(stratis.call(poolPath, P9, "EncryptPool", "a((bu)s)a((bu)ss)", one(s(noSlot(), "x")), List.of()).ok().payload())
                .isEqualTo(false);
        assertThat(stratis.call(poolPath, P9, "ReencryptPool", "").ok().payload()).isEqualTo(true);
        assertThat(((Object[]) stratis.get(poolPath, P9, "LastReencryptedTimestamp"))[0]).isEqualTo(true);
        stratis.call(poolPath, "org.storage.stratis3.pool.r4", "InitCache", "as", List.of("/dev/ec"))
                .failed("Use of a cache is not supported with an encrypted pool");
        assertThat(stratis.call(poolPath, P9, "DecryptPool", "").ok().payload()).isEqualTo(true);
        assertThat(stratis.get(poolPath, P9, "Encrypted")).isEqualTo(false);
        assertThat(stratis.get(poolPath, P9, "KeyDescriptions")).isEqualTo("Unencrypted");
        stratis.call(poolPath, P9, "ReencryptPool", "").failed("Cannot reencrypt unencrypted pool");
        stratis.call(poolPath, P9, "BindKeyring", "s(bu)", "k", noSlot()).failed("Requested pool does not appear to be encrypted");
        stratis.call(poolPath, P9, "EncryptPool", "a((bu)s)a((bu)ss)", List.of(), List.of()).failed("No unlock methods provided");
        assertThat(stratis.call(poolPath, P9, "EncryptPool", "a((bu)s)a((bu)ss)", one(s(slot(3), "k9")), List.of()).ok().payload())
                .isEqualTo(true);
        assertThat((List<?>) stratis.get(poolPath, P9, "KeyDescriptions")).hasSize(1);
    }

    @Test
    void legacyPoolRevisionsTakeTheirOwnSignaturesAndSingleBindingRules() throws Exception {
        String r0 = "org.storage.stratis3.pool.r0";
        String r7 = "org.storage.stratis3.pool.r7";
        String poolPath = pool("legacy", "/dev/l0");
        Result created = stratis.call(poolPath, r0, "CreateFilesystems", "a(s(bs))", one(s("old-fs", s(true, "1073741824")))).ok();
        assertThat((List<?>) created.struct()[1]).hasSize(1);
        stratis.call(poolPath, r7, "BindKeyring", "s", "k").failed("Requested pool does not appear to be encrypted");

        setKey("legacy-key", "pw".getBytes()).ok();
        String encrypted = ((DBusPath) ((Object[]) stratis.call(ROOT, "org.storage.stratis3.Manager.r5", "CreatePool",
                "sas(bs)(b(ss))", "legacy-enc", List.of("/dev/l1"), s(true, "legacy-key"), s(false, s("", ""))).ok().struct()[1])[0])
                .getPath();
        assertThat((List<?>) stratis.get(encrypted, P9, "KeyDescriptions")).singleElement()
                .satisfies(entry -> assertThat(((Object[]) entry)[0]).isEqualTo(new UInt32(1)));
        assertThat(stratis.call(encrypted, r7, "BindClevis", "ss", "tang", "{\"url\":\"http://t\"}").ok().payload()).isEqualTo(true);
        assertThat(stratis.call(encrypted, r7, "BindClevis", "ss", "tang", "{\"url\":\"http://t\"}").ok().payload()).isEqualTo(false);
        stratis.call(encrypted, r7, "BindClevis", "ss", "tpm2", "{}")
                .failed("Attempted to bind to Clevis with (tpm2, {}); already bound with (tang, {\"url\":\"http://t\"})");
        assertThat(stratis.call(encrypted, r7, "RebindClevis", "").ok().payload()).isEqualTo(true);
        assertThat(stratis.call(encrypted, r7, "RebindKeyring", "s", "legacy-key2").ok().payload()).isEqualTo(true);
        assertThat(stratis.call(encrypted, r7, "UnbindClevis", "").ok().payload()).isEqualTo(true);
        stratis.call(encrypted, r7, "UnbindKeyring", "").failed(
                "There is one remaining unlock method; removing the key description binding would remove the ability to open this device; aborting");
        assertThat(((Object[]) ((Object[]) stratis.get(encrypted, r7, "ClevisInfo"))[1])[0]).isEqualTo(false);
    }

    // ---- stop, start and reports

    @Test
    void poolsStopAndStartByNameAndUuidAndShowUpAsStopped() throws Exception {
        String poolPath = pool("stopper", "/dev/st0");
        filesystem(poolPath, "f");
        String uuid = (String) stratis.get(poolPath, P9, "Uuid");

        try (ChangeRecorder changes = new ChangeRecorder(client)) {
            assertThat(stratis.call(ROOT, M9, "StopPool", "ss", "stopper", "name").ok().struct()).containsExactly(true, uuid);
            assertThat(changes.drain(500)).filteredOn(sig -> sig.getPropertiesChanged().containsKey("StoppedPools")).hasSize(8);
        }
        assertThat(client.managedPaths()).doesNotContain(poolPath);
        assertThat(stratis.call(ROOT, M9, "StopPool", "ss", uuid, "uuid").ok().struct()).containsExactly(false, "");
        stratis.call(ROOT, M9, "StopPool", "ss", "x", "label").failed("ID type label not recognized");
        stratis.call(ROOT, M9, "StopPool", "ss", "xyz", "uuid").failed("Uuid error: invalid length: expected length 32 for simple format, found 3");

        // The dbus-java proxy hands back the inner a{sv} values unwrapped.
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> stopped = (Map<String, Map<String, Object>>) stratis.get(ROOT, M9, "StoppedPools");
        assertThat(stopped).containsKey(uuid);
        Object name = stopped.get(uuid).get("name");
        assertThat(name instanceof Variant<?> v ? v.getValue() : name).isEqualTo("stopper");
        assertThat(stopped.get(uuid)).containsKeys("devs", "metadata_version", "features");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> legacy = (Map<String, Map<String, Object>>) stratis.get(ROOT,
                "org.storage.stratis3.Manager.r2", "StoppedPools");
        assertThat(legacy.get(uuid)).doesNotContainKeys("metadata_version", "features");
        assertThat((String) stratis.call(ROOT, "org.storage.stratis3.Report.r9", "GetReport", "s", "stopped_pools").ok().payload())
                .startsWith("{\"stopped_pools\":[{\"pool_uuid\":\"" + formatUuid(uuid) + "\"");
        stratis.call(ROOT, "org.storage.stratis3.Report.r0", "GetReport", "s", "nope").failed("Report name nope not understood");

        Path passphrase = Files.createTempFile("passphrase", ".txt");
        try {
            assertThat(client.python("start-pool", "stopper", "name", "any", "-", "false").<List<Object>>json("$"))
                    .isEqualTo(List.of(List.of(false, List.of("/", List.of(), List.of())), 1,
                            "Pool with UUID " + formatUuid(uuid) + " is not encrypted but an unlock method was provided"));
            assertThat(client.python("start-pool", "stopper", "name", "none", passphrase.toString(), "false").<String>json("$[2]"))
                    .isEqualTo("Pool with UUID " + formatUuid(uuid) + " is not encrypted but a passphrase was provided");
            BusClient.CommandResult started = client.python("start-pool", uuid, "uuid", "none", "-", "false");
            assertThat(started.<Boolean>json("$[0][0]")).isTrue();
            assertThat(started.<List<String>>json("$[0][1][1]")).hasSize(1);
            assertThat(started.<List<String>>json("$[0][1][2]")).hasSize(1);
            assertThat(client.managedPaths()).contains(started.<String>json("$[0][1][0]")).doesNotContain(poolPath);
            assertThat(client.python("start-pool", "stopper", "name", "none", "-", "false").<Boolean>json("$[0][0]")).isFalse();
        } finally {
            Files.delete(passphrase);
        }
        String restarted = ((DBusPath) client.managedObjects().entrySet().stream()
                .filter(e -> e.getValue().containsKey(P9) && "stopper".equals(e.getValue().get(P9).get("Name").getValue()))
                .findFirst().orElseThrow().getKey()).getPath();
        assertThat(stratis.call(ROOT, "org.storage.stratis3.Manager.r2", "StopPool", "o", o(restarted)).ok().struct()[0]).isEqualTo(true);
        stratis.call(ROOT, "org.storage.stratis3.Manager.r2", "StopPool", "o", o("/org/storage/stratis3/424242"))
                .failed("No pool found in engine associated with object path /org/storage/stratis3/424242");
        assertThat(stratis.call(ROOT, "org.storage.stratis3.Manager.r4", "StartPool", "ss(bs)", "stopper", "name", s(false, ""))
                .ok().struct()[0]).isEqualTo(true);
    }

    @Test
    void metadataReportsAndTheRemainingManagerMethodsAnswer() throws Exception {
        String poolPath = pool("meta", "/dev/m0");
        filesystem(poolPath, "f1");
        assertThat((String) stratis.call(poolPath, P9, "Metadata", "b", true).ok().payload())
                .isEqualTo("{\"name\":\"meta\",\"fs_limit\":10,\"enable_overprov\":true,\"integrity_spec\":{\"tag_spec\":\"512b\","
                        + "\"journal_size\":262144,\"block_size\":4096,\"allocate_superblock\":true}}");
        assertThat((String) stratis.call(poolPath, P9, "FilesystemMetadata", "(bs)b", s(true, "f1"), false).ok().payload())
                .contains("\"name\":\"f1\"");
        assertThat((String) stratis.call(poolPath, P9, "FilesystemMetadata", "(bs)b", s(true, "nope"), true).ok().payload()).isEqualTo("{}");
        assertThat((String) stratis.call(ROOT, M9, "EngineStateReport", "").ok().payload()).startsWith("{\"pools\":[");
        assertThat(stratis.call(ROOT, M9, "RefreshState", "").ok().rc()).isZero();
        assertThat(stratis.call(ROOT, "org.storage.stratis3.Manager.r0", "UnlockPool", "ss", "00000000000000000000000000000001", "any")
                .ok().struct()[0]).isEqualTo(true);
        stratis.call(ROOT, "org.storage.stratis3.Manager.r1", "UnlockPool", "ss", "00000000000000000000000000000001", "magic")
                .failed("magic is an invalid unlock method");
        assertThat((Map<?, ?>) stratis.get(ROOT, "org.storage.stratis3.Manager.r0", "LockedPools")).isEmpty();
        String withFs = pool("has-fs", "/dev/hf");
        filesystem(withFs, "f");
        stratis.call(ROOT, M9, "DestroyPool", "o", o(withFs)).failed("filesystems remaining on pool");
    }
}
