package org.storage.stratisd.dbus;

import static org.storage.stratisd.dbus.InterfaceDefinition.EmitsChanged.CONST;
import static org.storage.stratisd.dbus.InterfaceDefinition.EmitsChanged.FALSE;
import static org.storage.stratisd.dbus.InterfaceDefinition.EmitsChanged.TRUE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.dbus.InterfaceDefinition.Property;
import org.storage.stratisd.engine.BlockdevView;

/**
 * The ten revisions of {@code org.storage.stratis3.blockdev}: r0 to r2 publish {@code UserInfo}
 * read-only and without change signals, r3 on make it writable and add {@code NewPhysicalSize}.
 */
final class BlockdevInterfaces {

    static final String NAME = ObjectPaths.INTERFACE_PREFIX + "blockdev";

    private BlockdevInterfaces() {
    }

    /**
     * The definitions of {@code blockdev.r0} to {@code blockdev.r9}, in order.
     *
     * @return ten definitions
     */
    static List<InterfaceDefinition> revisions() {
        return InterfaceDefinition.revisions(NAME, r -> List.of(), BlockdevInterfaces::properties);
    }

    private static List<Property> properties(int revision) {
        List<Property> props = new ArrayList<>(List.of(
                new Property("Devnode", "s", false, CONST),
                new Property("HardwareInfo", "(bs)", false, CONST),
                new Property("InitializationTime", "t", false, CONST),
                new Property("PhysicalPath", "s", false, CONST),
                new Property("Pool", "o", false, CONST),
                new Property("Tier", "q", false, FALSE),
                new Property("TotalPhysicalSize", "s", false, TRUE),
                new Property("Uuid", "s", false, CONST)));
        if (revision >= 3) {
            props.add(new Property("NewPhysicalSize", "(bs)", false, TRUE));
            props.add(new Property("UserInfo", "(bs)", true, TRUE));
        } else {
            props.add(new Property("UserInfo", "(bs)", false, FALSE));
        }
        return props;
    }

    /**
     * Every block-device property's value.
     *
     * @param dev      the snapshot
     * @param poolPath the owning pool's object path
     * @return property name to value
     */
    static Map<String, Variant<?>> values(BlockdevView dev, String poolPath) {
        Map<String, Variant<?>> v = new LinkedHashMap<>();
        v.put("Devnode", Values.string(dev.devnode()));
        v.put("HardwareInfo", Values.optionalString(Optional.empty()));
        v.put("InitializationTime", Values.u64(dev.initializationTime()));
        v.put("PhysicalPath", Values.string(dev.physicalPath()));
        v.put("Pool", Values.path(poolPath));
        v.put("Tier", Values.u16(dev.tier().ordinal()));
        v.put("TotalPhysicalSize", Values.string(dev.totalPhysicalSize().toString()));
        v.put("Uuid", Values.string(Values.simple(dev.uuid())));
        v.put("NewPhysicalSize", Values.optionalString(Optional.empty()));
        v.put("UserInfo", Values.optionalString(dev.userInfo()));
        return v;
    }
}
