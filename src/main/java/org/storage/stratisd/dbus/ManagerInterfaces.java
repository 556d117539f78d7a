package org.storage.stratisd.dbus;

import static org.storage.stratisd.dbus.InterfaceDefinition.EmitsChanged.CONST;
import static org.storage.stratisd.dbus.InterfaceDefinition.EmitsChanged.TRUE;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.dbus.InterfaceDefinition.Arg;
import org.storage.stratisd.dbus.InterfaceDefinition.Method;
import org.storage.stratisd.dbus.InterfaceDefinition.Property;

/**
 * The ten revisions of {@code org.storage.stratis3.Manager} on the root object. Each revision is a
 * short table: which {@code CreatePool} signature it takes, whether it publishes
 * {@code LockedPools} (r0, r1) or {@code StoppedPools} (r2 on). This slice has {@code CreatePool}
 * and {@code DestroyPool}; the remaining Manager methods come with the full API.
 */
final class ManagerInterfaces {

    static final String NAME = ObjectPaths.INTERFACE_PREFIX + "Manager";
    private static final List<Arg> CREATE_POOL_OUT = List.of(
            new Arg("result", "(b(oao))"), new Arg("return_code", "q"), new Arg("return_string", "s"));

    private ManagerInterfaces() {
    }

    /**
     * The definitions of {@code Manager.r0} to {@code Manager.r9}, in order.
     *
     * @param methods the shared behaviour
     * @return ten definitions
     */
    static List<InterfaceDefinition> revisions(ManagerMethods methods) {
        return InterfaceDefinition.revisions(NAME,
                r -> List.of(
                        createPool(r, methods),
                        new Method("DestroyPool", List.of(new Arg("pool", "o")),
                                List.of(new Arg("result", "(bs)"), new Arg("return_code", "q"), new Arg("return_string", "s")),
                                methods::destroyPool)),
                r -> List.of(
                        new Property("Version", "s", false, CONST),
                        r <= 1 ? new Property("LockedPools", "a{sa{sv}}", false, TRUE)
                                : new Property("StoppedPools", "a{sa{sv}}", false, TRUE)));
    }

    /**
     * The root's property values: the version, and no locked or stopped pools (the simulator's
     * pools are never locked; stopping pools comes with the full API).
     *
     * @param version the daemon version
     * @return property name to value
     */
    static Map<String, Variant<?>> values(String version) {
        Map<String, Variant<?>> v = new LinkedHashMap<>();
        v.put("Version", Values.string(version));
        v.put("LockedPools", new Variant<>(new HashMap<>(), "a{sa{sv}}"));
        v.put("StoppedPools", new Variant<>(new HashMap<>(), "a{sa{sv}}"));
        return v;
    }

    private static Method createPool(int revision, ManagerMethods methods) {
        if (revision >= 8) {
            return new Method("CreatePool", List.of(
                    new Arg("name", "s"), new Arg("devices", "as"), new Arg("key_desc", "a((bu)s)"),
                    new Arg("clevis_info", "a((bu)ss)"), new Arg("journal_size", "(bt)"),
                    new Arg("tag_spec", "(bs)"), new Arg("allocate_superblock", "(bb)")),
                    CREATE_POOL_OUT, methods::createPoolR8);
        }
        if (revision >= 5) {
            return new Method("CreatePool", List.of(
                    new Arg("name", "s"), new Arg("devices", "as"), new Arg("key_desc", "(bs)"),
                    new Arg("clevis_info", "(b(ss))")),
                    CREATE_POOL_OUT, methods::createPoolR5);
        }
        return new Method("CreatePool", List.of(
                new Arg("name", "s"), new Arg("redundancy", "(bq)"), new Arg("devices", "as"),
                new Arg("key_desc", "(bs)"), new Arg("clevis_info", "(b(ss))")),
                CREATE_POOL_OUT, methods::createPoolR0);
    }
}
