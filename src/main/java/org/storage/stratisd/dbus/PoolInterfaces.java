package org.storage.stratisd.dbus;

import static org.storage.stratisd.dbus.InterfaceDefinition.EmitsChanged.CONST;
import static org.storage.stratisd.dbus.InterfaceDefinition.EmitsChanged.FALSE;
import static org.storage.stratisd.dbus.InterfaceDefinition.EmitsChanged.TRUE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.dbus.InterfaceDefinition.Property;
import org.storage.stratisd.engine.PoolView;

/**
 * The ten revisions of {@code org.storage.stratis3.pool}: which properties each exposes, and the
 * values of every pool property from one engine snapshot. Methods of pool objects come with the
 * full API; this table lists the properties every revision publishes.
 */
final class PoolInterfaces {

    static final String NAME = ObjectPaths.INTERFACE_PREFIX + "pool";

    private PoolInterfaces() {
    }

    /**
     * The definitions of {@code pool.r0} to {@code pool.r9}, in order.
     *
     * @return ten definitions
     */
    static List<InterfaceDefinition> revisions() {
        return InterfaceDefinition.revisions(NAME, r -> List.of(), PoolInterfaces::properties);
    }

    private static List<Property> properties(int revision) {
        List<Property> props = new ArrayList<>(List.of(
                new Property("Uuid", "s", false, CONST),
                new Property("Name", "s", false, TRUE),
                new Property("Encrypted", "b", false, revision >= 9 ? TRUE : CONST),
                new Property("AvailableActions", "s", false, TRUE)));
        if (revision <= 7) {
            props.add(new Property("KeyDescription", "(b(bs))", false, TRUE));
            props.add(new Property("ClevisInfo", "(b(b(ss)))", false, TRUE));
        } else {
            props.add(new Property("KeyDescriptions", "v", false, TRUE));
            props.add(new Property("ClevisInfos", "v", false, TRUE));
        }
        props.addAll(List.of(
                new Property("HasCache", "b", false, TRUE),
                new Property("TotalPhysicalSize", "s", false, TRUE),
                new Property("TotalPhysicalUsed", "(bs)", false, TRUE),
                new Property("AllocatedSize", "s", false, TRUE)));
        if (revision >= 1) {
            props.add(new Property("FsLimit", "t", true, TRUE));
            props.add(new Property("Overprovisioning", "b", true, TRUE));
            props.add(new Property("NoAllocSpace", "b", false, TRUE));
        }
        if (revision >= 8) {
            props.add(new Property("FreeTokenSlots", "(by)", false, TRUE));
            props.add(new Property("VolumeKeyLoaded", "v", false, FALSE));
            props.add(new Property("MetadataVersion", "t", false, CONST));
        }
        if (revision >= 9) {
            props.add(new Property("LastReencryptedTimestamp", "(bs)", false, TRUE));
        }
        return props;
    }

    /**
     * Every pool property's value, under every name any revision uses.
     *
     * @param pool the snapshot
     * @return property name to value
     */
    static Map<String, Variant<?>> values(PoolView pool) {
        Map<String, Variant<?>> v = new LinkedHashMap<>();
        v.put("Uuid", Values.string(Values.simple(pool.uuid())));
        v.put("Name", Values.string(pool.name()));
        v.put("Encrypted", Values.bool(pool.encrypted()));
        v.put("AvailableActions", Values.string(pool.availableActions()));
        v.put("KeyDescription", Values.struct("(b(bs))", true, new Object[] {false, ""}));
        v.put("ClevisInfo", Values.struct("(b(b(ss)))", true, new Object[] {false, new Object[] {"", ""}}));
        v.put("KeyDescriptions", pool.encrypted() ? new Variant<>(List.of(), "a(us)") : Values.string("Unencrypted"));
        v.put("ClevisInfos", pool.encrypted() ? new Variant<>(List.of(), "a(u(ss))") : Values.string("Unencrypted"));
        v.put("HasCache", Values.bool(pool.hasCache()));
        v.put("TotalPhysicalSize", Values.string(pool.totalPhysicalSize().toString()));
        v.put("TotalPhysicalUsed", Values.struct("(bs)", true, pool.totalPhysicalUsed().toString()));
        v.put("AllocatedSize", Values.string(pool.allocatedSize().toString()));
        v.put("FsLimit", Values.u64(pool.fsLimit()));
        v.put("Overprovisioning", Values.bool(pool.overprovisioning()));
        v.put("NoAllocSpace", Values.bool(pool.noAllocSpace()));
        v.put("FreeTokenSlots", Values.struct("(by)", pool.encrypted(), (byte) (pool.encrypted() ? 15 : 0)));
        v.put("VolumeKeyLoaded", Values.bool(false));
        v.put("MetadataVersion", Values.u64(pool.metadataVersion()));
        v.put("LastReencryptedTimestamp", Values.struct("(bs)", false, ""));
        return v;
    }
}
