package org.storage.stratisd.dbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.dbus.api.InterfaceDefinition;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.dbus.publish.PublishedStorage;
import org.storage.stratisd.engine.lock.PoolLocks;
import org.storage.stratisd.engine.sim.SimEngine;
import org.storage.stratisd.metrics.DaemonMetrics;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTree;

/**
 * Keeps {@code docs/api-conformance.md} true: the table lists every method and property of every
 * interface revision the daemon defines (read from the same tables the daemon serves), with the
 * tests that exercise it over a real bus. A member without an entry in {@link #COVERAGE} fails this
 * test, so nothing is added to the API without saying how it is tested. Rewrite the document with
 * {@code -Dconformance.update=true}.
 */
class ConformanceTableTest {

    private static final Path DOC = Path.of("docs/api-conformance.md");

    /** Member ("Kind.Member") to the integration tests that call it over a real bus and the revisions they use. */
    private static final Map<String, String> COVERAGE = new LinkedHashMap<>();

    static {
        String full = "FullApiIT";
        String api = "DbusApiIT";
        COVERAGE.put("Manager.CreatePool", api + " (r0, r5, r9; every documented error), " + full + " (r5 with a key: slot 1)");
        COVERAGE.put("Manager.DestroyPool", api + " (r9), " + full + " (filesystems remaining)");
        COVERAGE.put("Manager.StartPool", full + " (r9 through dbus-python with fd passing, r4), CacheInVm and UpstreamCacheInVm"
                + " (real engine: r9 with remove_cache, from dbus-python)");
        COVERAGE.put("Manager.StopPool", full + " (r9 by name and UUID, r2 by path)");
        COVERAGE.put("Manager.ListKeys", full + " (r9), BusPolicyIT (as nobody), KeysInVm (real engine, kernel keyring)");
        COVERAGE.put("Manager.SetKey", full + " (r9: file and pipe descriptors, 64-byte rule), " + api + " (fd closing), KeysInVm"
                + " (real engine: created, identity, changed, 65 bytes)");
        COVERAGE.put("Manager.UnsetKey", full + " (r9), KeysInVm (real engine)");
        COVERAGE.put("Manager.RefreshState", full + " (r9)");
        COVERAGE.put("Manager.EngineStateReport", full + " (r9), BusPolicyIT (r3, as nobody)");
        COVERAGE.put("Manager.UnlockPool", full + " (r0, r1)");
        COVERAGE.put("Manager.Version", api + " (r0 via busctl, gdbus, dbus-java; r9)");
        COVERAGE.put("Manager.StoppedPools", full + " (r9 full form, r2 legacy form)");
        COVERAGE.put("Manager.LockedPools", full + " (r0)");
        COVERAGE.put("Report.GetReport", full + " (r9, r0 unknown name)");
        COVERAGE.put("pool.CreateFilesystems", full + " (r9: one spec, two specs, bad size, no-op; r0 signature)");
        COVERAGE.put("pool.DestroyFilesystems", full + " (r9: unknown paths ignored, Origin re-parenting signals)");
        COVERAGE.put("pool.SnapshotFilesystem", full + " (r9, unknown origin)");
        COVERAGE.put("pool.AddDataDevs", full + " (r9)");
        COVERAGE.put("pool.InitCache", full + " (r9 with HasCache signals; r4 refusing an encrypted pool), CacheInVm (real engine: V2,"
                + " a refusal undone, identity, other devices) and UpstreamCacheInVm (real engine: V1)");
        COVERAGE.put("pool.AddCacheDevs", full + " (r9: no cache yet, data-tier clash), CacheInVm (real engine: the cache grows)");
        COVERAGE.put("pool.SetName", full + " (r9: Name and Devnode signals, identity, invalid name)");
        COVERAGE.put("pool.BindClevis", full + " (r9 explicit slot, invalid JSON; r7 legacy rules)");
        COVERAGE.put("pool.BindKeyring", full + " (r9; r0 legacy rules)");
        COVERAGE.put("pool.RebindClevis", full + " (r9, r7)");
        COVERAGE.put("pool.RebindKeyring", full + " (r9, r7)");
        COVERAGE.put("pool.UnbindClevis", full + " (r9, r7)");
        COVERAGE.put("pool.UnbindKeyring", full + " (r9, r7: last unlock method refused)");
        COVERAGE.put("pool.GrowPhysicalDevice", full + " (r9, malformed UUID)");
        COVERAGE.put("pool.Metadata", full + " (r9)");
        COVERAGE.put("pool.FilesystemMetadata", full + " (r9)");
        COVERAGE.put("pool.EncryptPool", full + " (r9: no methods, identity, explicit slot)");
        COVERAGE.put("pool.ReencryptPool", full + " (r9, unencrypted)");
        COVERAGE.put("pool.DecryptPool", full + " (r9)");
        COVERAGE.put("pool.FsLimit", full + " (Set through r9: signals r1-r9, smaller value refused)");
        COVERAGE.put("pool.Overprovisioning", full + " (Set through r9: signalled even unchanged)");
        for (String p : List.of("Uuid", "Name", "Encrypted", "AvailableActions", "HasCache", "TotalPhysicalSize", "TotalPhysicalUsed",
                "AllocatedSize", "NoAllocSpace", "FreeTokenSlots", "VolumeKeyLoaded", "MetadataVersion", "LastReencryptedTimestamp",
                "KeyDescriptions", "ClevisInfos", "KeyDescription", "ClevisInfo")) {
            COVERAGE.put("pool." + p, full + " / " + api + " (read through GetManagedObjects or Get)");
        }
        COVERAGE.put("filesystem.SetName", full + " (r9: signals, identity, name taken)");
        COVERAGE.put("filesystem.SizeLimit", full + " (Set through r9, unparsable value)");
        COVERAGE.put("filesystem.MergeScheduled", full + " (Set through r9, no origin)");
        for (String p : List.of("Name", "Devnode", "Created", "Pool", "Size", "Used", "Uuid", "Origin")) {
            COVERAGE.put("filesystem." + p, full + " (read through GetManagedObjects or Get)");
        }
        COVERAGE.put("blockdev.SetUserInfo", full + " (r0)");
        COVERAGE.put("blockdev.UserInfo", full + " (Set through r9, invalid label; read-only in r2)");
        for (String p : List.of("Devnode", "HardwareInfo", "InitializationTime", "PhysicalPath", "Pool", "Tier", "TotalPhysicalSize",
                "Uuid", "NewPhysicalSize")) {
            COVERAGE.put("blockdev." + p, api + " (read through GetManagedObjects)");
        }
    }

    private static List<InterfaceDefinition> allInterfaces() {
        return DbusApi.serve(new SimEngine(Clock.systemUTC(), Duration.ZERO), new PoolLocks(), new DbusChannel(),
                new DbusTree(DaemonMetrics.NONE), new PublishedStorage()).all();
    }

    private static String kindOf(InterfaceDefinition d) {
        String base = d.name().substring(ObjectPaths.INTERFACE_PREFIX.length());
        return base.substring(0, base.lastIndexOf('.'));
    }

    private static String document() {
        Map<String, TreeSet<Integer>> revisions = new LinkedHashMap<>();
        Map<String, TreeSet<String>> signatures = new LinkedHashMap<>();
        for (InterfaceDefinition d : allInterfaces()) {
            for (InterfaceDefinition.Method m : d.methods()) {
                String key = kindOf(d) + "." + m.name();
                revisions.computeIfAbsent(key, k -> new TreeSet<>()).add(d.revision());
                signatures.computeIfAbsent(key, k -> new TreeSet<>()).add("method (" + m.inSignature() + ") -> " + m.outSignature());
            }
            for (InterfaceDefinition.Property p : d.properties()) {
                String key = kindOf(d) + "." + p.name();
                revisions.computeIfAbsent(key, k -> new TreeSet<>()).add(d.revision());
                signatures.computeIfAbsent(key, k -> new TreeSet<>()).add("property " + p.signature()
                        + (p.writable() ? " rw" : "") + ", emits " + p.emits().annotation());
            }
        }
        StringBuilder md = new StringBuilder("""
                # org.storage.stratis3 conformance

                Every method and property the daemon serves, read from the interface tables it serves them
                from, with the integration tests that exercise it over a real dbus-daemon. Generated and
                checked by `ConformanceTableTest`: a member without a test entry fails the build.
                Standard interfaces (Properties, Introspectable, Peer, ObjectManager) are exercised by
                `DbusApiIT`, `IntrospectionIT` and `BusPolicyIT`.

                | member | revisions | signature(s) | tested over the bus by |
                |---|---|---|---|
                """);
        revisions.forEach((key, revs) -> md.append("| `").append(key).append("` | ").append(ranges(revs)).append(" | ")
                .append(String.join("<br>", signatures.get(key))).append(" | ")
                .append(COVERAGE.getOrDefault(key, "**not tested**")).append(" |\n"));
        return md.toString();
    }

    private static String ranges(TreeSet<Integer> revs) {
        int first = revs.first();
        int last = revs.last();
        return revs.size() == last - first + 1 ? (first == last ? "r" + first : "r" + first + "-r" + last) : revs.toString();
    }

    @Test
    void everyMemberHasATestEntry() {
        List<String> untested = new ArrayList<>();
        for (InterfaceDefinition d : allInterfaces()) {
            d.methods().forEach(m -> {
                if (!COVERAGE.containsKey(kindOf(d) + "." + m.name())) {
                    untested.add(d.name() + "." + m.name());
                }
            });
            d.properties().forEach(p -> {
                if (!COVERAGE.containsKey(kindOf(d) + "." + p.name())) {
                    untested.add(d.name() + "." + p.name());
                }
            });
        }
        assertThat(untested).isEmpty();
    }

    @Test
    void theDocumentShowsTheTablesAsServed() throws Exception {
        String expected = document();
        if (Boolean.getBoolean("conformance.update")) {
            Files.writeString(DOC, expected);
        }
        assertThat(Files.readString(DOC)).isEqualTo(expected);
    }
}
