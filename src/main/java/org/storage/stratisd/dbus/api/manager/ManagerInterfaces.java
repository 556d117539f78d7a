package org.storage.stratisd.dbus.api.manager;

import static org.storage.stratisd.dbus.api.InterfaceDefinition.EmitsChanged.CONST;
import static org.storage.stratisd.dbus.api.InterfaceDefinition.EmitsChanged.TRUE;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.dbus.api.InterfaceDefinition;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Arg;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Method;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Property;
import org.storage.stratisd.dbus.api.MethodBody;
import org.storage.stratisd.dbus.api.common.Mutations;
import org.storage.stratisd.dbus.api.common.Values;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.dbus.publish.TreePublisher;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.StoppedPoolView;
import org.storage.stratisd.engine.view.TokenBinding;

/**
 * The ten revisions of {@code org.storage.stratis3.Manager} on the root object. Each revision is a
 * short table over the shared behaviour of {@link ManagerMethods}: which {@code CreatePool},
 * {@code StartPool} and {@code StopPool} signatures it takes, whether it has {@code UnlockPool}
 * (r0, r1) or {@code StartPool}/{@code StopPool}/{@code RefreshState} (r2 on), and whether it
 * publishes {@code LockedPools} (r0, r1) or {@code StoppedPools} (r2 on, with
 * {@code metadata_version} and {@code features} from r8).
 */
public final class ManagerInterfaces {

    /** The interface name without revision. */
    public static final String NAME = ObjectPaths.INTERFACE_PREFIX + "Manager";
    private static final List<Arg> RC = List.of(new Arg("return_code", "q"), new Arg("return_string", "s"));

    private ManagerInterfaces() {
    }

    /**
     * The Manager revisions as served, over their shared behaviour.
     *
     * @param engine    the engine
     * @param mutations runs the engine changes
     * @param publisher publishes their results
     * @return r0 to r9
     */
    public static List<InterfaceDefinition> served(Engine engine, Mutations mutations, TreePublisher publisher) {
        return revisions(new ManagerMethods(engine, mutations, publisher));
    }

    /**
     * The Manager revisions' properties, for publishing.
     *
     * @return r0 to r9 without methods
     */
    public static List<InterfaceDefinition> schema() {
        return InterfaceDefinition.revisions(NAME, r -> List.of(), ManagerInterfaces::properties);
    }

    private static List<InterfaceDefinition> revisions(ManagerMethods m) {
        return InterfaceDefinition.revisions(NAME, r -> methods(r, m), ManagerInterfaces::properties);
    }

    private static List<Method> methods(int r, ManagerMethods m) {
        List<Method> list = new ArrayList<>();
        if (r >= 8) {
            list.add(method("CreatePool", List.of(new Arg("name", "s"), new Arg("devices", "as"),
                    new Arg("key_desc", "a((bu)s)"), new Arg("clevis_info", "a((bu)ss)"), new Arg("journal_size", "(bt)"),
                    new Arg("tag_spec", "(bs)"), new Arg("allocate_superblock", "(bb)")), "(b(oao))", m::createPoolR8));
        } else if (r >= 5) {
            list.add(method("CreatePool", List.of(new Arg("name", "s"), new Arg("devices", "as"),
                    new Arg("key_desc", "(bs)"), new Arg("clevis_info", "(b(ss))")), "(b(oao))", m::createPoolR5));
        } else {
            list.add(method("CreatePool", List.of(new Arg("name", "s"), new Arg("redundancy", "(bq)"), new Arg("devices", "as"),
                    new Arg("key_desc", "(bs)"), new Arg("clevis_info", "(b(ss))")), "(b(oao))", m::createPoolR0));
        }
        list.add(method("DestroyPool", List.of(new Arg("pool", "o")), "(bs)", m::destroyPool));
        list.add(method("EngineStateReport", List.of(), "s", m::engineStateReport));
        list.add(method("ListKeys", List.of(), "as", m::listKeys));
        list.add(method("SetKey", List.of(new Arg("key_desc", "s"), new Arg("key_fd", "h")), "(bb)", m::setKey));
        list.add(method("UnsetKey", List.of(new Arg("key_desc", "s")), "b", m::unsetKey));
        if (r <= 1) {
            list.add(method("UnlockPool", List.of(new Arg("pool_uuid", "s"), new Arg("unlock_method", "s")), "(bas)", m::unlockPool));
            return list;
        }
        list.add(new Method("RefreshState", List.of(), RC, m::refreshState));
        if (r >= 9) {
            list.add(method("StartPool", List.of(new Arg("id", "s"), new Arg("id_type", "s"), new Arg("unlock_method", "(b(bu))"),
                    new Arg("key_fd", "(bh)"), new Arg("remove_cache", "b")), "(b(oaoao))", m::startPoolR9));
        } else if (r == 8) {
            list.add(method("StartPool", List.of(new Arg("id", "s"), new Arg("id_type", "s"), new Arg("unlock_method", "(b(bu))"),
                    new Arg("key_fd", "(bh)")), "(b(oaoao))", m::startPoolR8));
        } else if (r >= 4) {
            list.add(method("StartPool", List.of(new Arg("id", "s"), new Arg("id_type", "s"), new Arg("unlock_method", "(bs)")),
                    "(b(oaoao))", m::startPoolR4));
        } else {
            list.add(method("StartPool", List.of(new Arg("pool_uuid", "s"), new Arg("unlock_method", "(bs)")),
                    "(b(oaoao))", m::startPoolR2));
        }
        list.add(r >= 6
                ? method("StopPool", List.of(new Arg("id", "s"), new Arg("id_type", "s")), "(bs)", m::stopPool)
                : method("StopPool", List.of(new Arg("pool", "o")), "(bs)", m::stopPoolByPath));
        return list;
    }

    private static Method method(String name, List<Arg> in, String outSignature, MethodBody body) {
        List<Arg> out = new ArrayList<>();
        out.add(new Arg("result", outSignature));
        out.addAll(RC);
        return new Method(name, in, out, body);
    }

    static List<Property> properties(int revision) {
        return List.of(
                new Property("Version", "s", CONST),
                revision <= 1 ? new Property("LockedPools", "a{sa{sv}}", TRUE) : new Property("StoppedPools", "a{sa{sv}}", TRUE));
    }

    /**
     * The root's property values: the version, the stopped pools (in the r2-r7 and the r8+ form), and
     * no locked pools (the simulator's pools are never locked).
     *
     * @param version the daemon version
     * @param stopped the stopped pools
     * @return the values
     */
    public static InterfaceDefinition.Values values(String version, List<StoppedPoolView> stopped) {
        Variant<?> versionValue = Values.string(version);
        Variant<?> locked = new Variant<>(new HashMap<>(), "a{sa{sv}}");
        Variant<?> legacy = new Variant<>(stoppedPools(stopped, false), "a{sa{sv}}");
        Variant<?> full = new Variant<>(stoppedPools(stopped, true), "a{sa{sv}}");
        return (name, revision) -> switch (name) {
            case "Version" -> versionValue;
            case "LockedPools" -> locked;
            case "StoppedPools" -> revision >= 8 ? full : legacy;
            default -> null;
        };
    }

    private static Map<String, Map<String, Variant<?>>> stoppedPools(List<StoppedPoolView> stopped, boolean full) {
        Map<String, Map<String, Variant<?>>> result = new LinkedHashMap<>();
        for (StoppedPoolView pool : stopped) {
            Map<String, Variant<?>> entry = new LinkedHashMap<>();
            List<Map<String, String>> devs = new ArrayList<>();
            for (BlockdevView dev : pool.devices()) {
                Map<String, String> d = new LinkedHashMap<>();
                d.put("devnode", dev.devnode());
                d.put("uuid", Values.simple(dev.uuid()));
                devs.add(d);
            }
            entry.put("devs", new Variant<>(devs, "aa{ss}"));
            pool.name().ifPresent(n -> entry.put("name", Values.string(n)));
            if (pool.encryption().isPresent()) {
                Encryption enc = pool.encryption().get();
                var key = enc.lowestKey();
                var clevis = enc.lowestClevis();
                entry.put("key_description", Values.struct("(bv)", true,
                        Values.struct("(bs)", key.isPresent(), key.map(e -> e.getValue().description()).orElse(""))));
                entry.put("clevis_info", Values.struct("(bv)", true, Values.struct("(b(ss))", clevis.isPresent(),
                        new Object[] {clevis.map(e -> e.getValue().pin()).orElse(""), clevis.map(e -> e.getValue().config()).orElse("")})));
            }
            if (full) {
                entry.put("metadata_version", Values.struct("(bt)", pool.metadataVersion().isPresent(),
                        new UInt64(pool.metadataVersion().orElse(0L))));
                Map<String, Boolean> features = new LinkedHashMap<>();
                pool.encryption().ifPresent(enc -> {
                    features.put("encryption", true);
                    if (enc.slots().values().stream().anyMatch(b -> b instanceof TokenBinding.Key)) {
                        features.put("key_description_present", true);
                    }
                    if (enc.slots().values().stream().anyMatch(b -> b instanceof TokenBinding.Clevis)) {
                        features.put("clevis_present", true);
                    }
                });
                entry.put("features", Values.struct("(ba{sb})", true, features));
            }
            result.put(Values.simple(pool.uuid()), entry);
        }
        return result;
    }
}
