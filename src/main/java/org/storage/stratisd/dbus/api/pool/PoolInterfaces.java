package org.storage.stratisd.dbus.api.pool;

import static org.storage.stratisd.dbus.api.InterfaceDefinition.EmitsChanged.CONST;
import static org.storage.stratisd.dbus.api.InterfaceDefinition.EmitsChanged.FALSE;
import static org.storage.stratisd.dbus.api.InterfaceDefinition.EmitsChanged.TRUE;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.dbus.api.InterfaceDefinition;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Arg;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Method;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Property;
import org.storage.stratisd.dbus.api.MethodBody;
import org.storage.stratisd.dbus.api.common.Mutations;
import org.storage.stratisd.dbus.api.common.Setters;
import org.storage.stratisd.dbus.api.common.Values;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.dbus.publish.ObjectSchema;
import org.storage.stratisd.dbus.publish.TreePublisher;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.TokenBinding;
import org.storage.stratisd.tree.DbusTree;

/**
 * The ten revisions of {@code org.storage.stratis3.pool}: each a short table of the methods and
 * properties it exposes over the shared behaviour of {@link PoolMethods}, and the values of every
 * pool property from one engine snapshot.
 */
public final class PoolInterfaces {

    /** The interface name without revision. */
    public static final String NAME = ObjectPaths.INTERFACE_PREFIX + "pool";
    private static final List<Arg> RC = List.of(new Arg("return_code", "q"), new Arg("return_string", "s"));

    private PoolInterfaces() {
    }

    /**
     * The pool revisions as served, over their shared behaviour.
     *
     * @param engine    the engine
     * @param mutations runs the engine changes
     * @param publisher publishes their results
     * @param tree      the dbus tree (for the current token slots)
     * @return r0 to r9
     */
    public static List<InterfaceDefinition> served(Engine engine, Mutations mutations, TreePublisher publisher, DbusTree tree) {
        PoolMethods methods = new PoolMethods(engine, mutations, publisher, tree);
        return revisions(methods, methods.setters());
    }

    /**
     * What a pool publishes.
     *
     * @return its properties and their values
     */
    public static ObjectSchema<PoolView> published() {
        return new ObjectSchema<>(InterfaceDefinition.revisions(NAME, r -> List.of(), r -> properties(r, Setters.NONE)),
                (pool, path) -> values(pool));
    }

    private static List<InterfaceDefinition> revisions(PoolMethods m, Setters setters) {
        return InterfaceDefinition.revisions(NAME, r -> methods(r, m), r -> properties(r, setters));
    }

    private static List<Method> methods(int r, PoolMethods m) {
        List<Method> list = new ArrayList<>();
        list.add(r >= 6
                ? method("CreateFilesystems", List.of(new Arg("specs", "a(s(bs)(bs))")), "results", "(ba(os))", m::createFilesystems)
                : method("CreateFilesystems", List.of(new Arg("specs", "a(s(bs))")), "results", "(ba(os))", m::createFilesystems));
        list.add(method("DestroyFilesystems", List.of(new Arg("filesystems", "ao")), "results", "(bas)", m::destroyFilesystems));
        list.add(method("SnapshotFilesystem", List.of(new Arg("origin", "o"), new Arg("snapshot_name", "s")), "result", "(bo)",
                m::snapshotFilesystem));
        list.add(method("AddDataDevs", List.of(new Arg("devices", "as")), "results", "(bao)", m::addDataDevs));
        list.add(method("InitCache", List.of(new Arg("devices", "as")), "results", "(bao)",
                r >= 5 ? m::initCacheAllowingEncrypted : m::initCache));
        list.add(method("AddCacheDevs", List.of(new Arg("devices", "as")), "results", "(bao)", m::addCacheDevs));
        list.add(method("SetName", List.of(new Arg("name", "s")), "result", "(bs)", m::setName));
        if (r >= 8) {
            Arg slot = new Arg("token_slot", "(bu)");
            list.add(method("BindClevis", List.of(new Arg("pin", "s"), new Arg("json", "s"), slot), "results", "b", m::bindClevis));
            list.add(method("BindKeyring", List.of(new Arg("key_desc", "s"), slot), "results", "b", m::bindKeyring));
            list.add(method("RebindClevis", List.of(slot), "results", "b", m::rebindClevis));
            list.add(method("RebindKeyring", List.of(new Arg("key_desc", "s"), slot), "results", "b", m::rebindKeyring));
            list.add(method("UnbindClevis", List.of(slot), "results", "b", m::unbindClevis));
            list.add(method("UnbindKeyring", List.of(slot), "results", "b", m::unbindKeyring));
        } else {
            list.add(method("BindClevis", List.of(new Arg("pin", "s"), new Arg("json", "s")), "results", "b", m::bindClevisLegacy));
            list.add(method("BindKeyring", List.of(new Arg("key_desc", "s")), "results", "b", m::bindKeyringLegacy));
            list.add(method("RebindClevis", List.of(), "results", "b", m::rebindClevisLegacy));
            list.add(method("RebindKeyring", List.of(new Arg("key_desc", "s")), "results", "b", m::rebindKeyringLegacy));
            list.add(method("UnbindClevis", List.of(), "results", "b", m::unbindClevisLegacy));
            list.add(method("UnbindKeyring", List.of(), "results", "b", m::unbindKeyringLegacy));
        }
        if (r >= 3) {
            list.add(method("GrowPhysicalDevice", List.of(new Arg("dev", "s")), "results", "b", m::growPhysicalDevice));
        }
        if (r >= 7) {
            list.add(method("Metadata", List.of(new Arg("current", "b")), "results", "s", m::metadata));
            list.add(method("FilesystemMetadata", List.of(new Arg("fs_name", "(bs)"), new Arg("current", "b")), "results", "s",
                    m::filesystemMetadata));
        }
        if (r >= 9) {
            list.add(method("EncryptPool", List.of(new Arg("key_descs", "a((bu)s)"), new Arg("clevis_infos", "a((bu)ss)")),
                    "results", "b", m::encryptPool));
            list.add(method("ReencryptPool", List.of(), "results", "b", m::reencryptPool));
            list.add(method("DecryptPool", List.of(), "results", "b", m::decryptPool));
        }
        return list;
    }

    private static Method method(String name, List<Arg> in, String outName, String outSignature, MethodBody body) {
        List<Arg> out = new ArrayList<>();
        out.add(new Arg(outName, outSignature));
        out.addAll(RC);
        return new Method(name, in, out, body);
    }

    static List<Property> properties(int revision, Setters setters) {
        List<Property> props = new ArrayList<>(List.of(
                new Property("Uuid", "s", CONST),
                new Property("Name", "s", TRUE),
                new Property("Encrypted", "b", revision >= 9 ? TRUE : CONST),
                new Property("AvailableActions", "s", TRUE)));
        if (revision <= 7) {
            props.add(new Property("KeyDescription", "(b(bs))", TRUE));
            props.add(new Property("ClevisInfo", "(b(b(ss)))", TRUE));
        } else {
            props.add(new Property("KeyDescriptions", "v", TRUE));
            props.add(new Property("ClevisInfos", "v", TRUE));
        }
        props.addAll(List.of(
                new Property("HasCache", "b", TRUE),
                new Property("TotalPhysicalSize", "s", TRUE),
                new Property("TotalPhysicalUsed", "(bs)", TRUE),
                new Property("AllocatedSize", "s", TRUE)));
        if (revision >= 1) {
            props.add(new Property("FsLimit", "t", TRUE, setters.forName("FsLimit")));
            props.add(new Property("Overprovisioning", "b", TRUE, setters.forName("Overprovisioning")));
            props.add(new Property("NoAllocSpace", "b", TRUE));
        }
        if (revision >= 8) {
            props.add(new Property("FreeTokenSlots", "(by)", TRUE));
            props.add(new Property("VolumeKeyLoaded", "v", FALSE));
            props.add(new Property("MetadataVersion", "t", CONST));
        }
        if (revision >= 9) {
            props.add(new Property("LastReencryptedTimestamp", "(bs)", TRUE));
        }
        return props;
    }

    /**
     * Every pool property's value from one snapshot.
     *
     * @param pool the snapshot
     * @return the values (the same in every revision that has the property)
     */
    static InterfaceDefinition.Values values(PoolView pool) {
        Map<String, Variant<?>> v = new LinkedHashMap<>();
        Optional<Encryption> enc = pool.encryption();
        v.put("Uuid", Values.string(Values.simple(pool.uuid())));
        v.put("Name", Values.string(pool.name()));
        v.put("Encrypted", Values.bool(pool.encrypted()));
        v.put("AvailableActions", Values.string(pool.availableActions()));
        Optional<Map.Entry<Long, TokenBinding.Key>> key = enc.flatMap(Encryption::lowestKey);
        Optional<Map.Entry<Long, TokenBinding.Clevis>> clevis = enc.flatMap(Encryption::lowestClevis);
        v.put("KeyDescription", Values.struct("(b(bs))", true,
                new Object[] {key.isPresent(), key.map(e -> e.getValue().description()).orElse("")}));
        v.put("ClevisInfo", Values.struct("(b(b(ss)))", true, new Object[] {clevis.isPresent(), new Object[] {
                clevis.map(e -> e.getValue().pin()).orElse(""), clevis.map(e -> e.getValue().config()).orElse("")}}));
        v.put("KeyDescriptions", enc.<Variant<?>>map(e -> new Variant<>(e.slots().entrySet().stream()
                .filter(s -> s.getValue() instanceof TokenBinding.Key)
                .map(s -> new Object[] {new UInt32(s.getKey()), ((TokenBinding.Key) s.getValue()).description()})
                .toList(), "a(us)")).orElse(Values.string("Unencrypted")));
        v.put("ClevisInfos", enc.<Variant<?>>map(e -> new Variant<>(e.slots().entrySet().stream()
                .filter(s -> s.getValue() instanceof TokenBinding.Clevis)
                .map(s -> new Object[] {new UInt32(s.getKey()), new Object[] {
                        ((TokenBinding.Clevis) s.getValue()).pin(), ((TokenBinding.Clevis) s.getValue()).config()}})
                .toList(), "a(u(ss))")).orElse(Values.string("Unencrypted")));
        v.put("HasCache", Values.bool(pool.hasCache()));
        v.put("TotalPhysicalSize", Values.string(pool.totalPhysicalSize().toString()));
        v.put("TotalPhysicalUsed", Values.struct("(bs)", true, pool.totalPhysicalUsed().toString()));
        v.put("AllocatedSize", Values.string(pool.allocatedSize().toString()));
        v.put("FsLimit", Values.u64(pool.fsLimit()));
        v.put("Overprovisioning", Values.bool(pool.overprovisioning()));
        v.put("NoAllocSpace", Values.bool(pool.noAllocSpace()));
        v.put("FreeTokenSlots", Values.struct("(by)", enc.isPresent(), (byte) enc.map(Encryption::freeSlots).orElse(0).intValue()));
        v.put("VolumeKeyLoaded", Values.bool(false));
        v.put("MetadataVersion", Values.u64(pool.metadataVersion()));
        v.put("LastReencryptedTimestamp", Values.optionalString(
                pool.lastReencrypted().map(DateTimeFormatter.ISO_INSTANT::format)));
        return (name, revision) -> v.get(name);
    }
}
