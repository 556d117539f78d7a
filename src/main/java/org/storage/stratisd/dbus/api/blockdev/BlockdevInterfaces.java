package org.storage.stratisd.dbus.api.blockdev;

import static org.storage.stratisd.dbus.api.InterfaceDefinition.EmitsChanged.CONST;
import static org.storage.stratisd.dbus.api.InterfaceDefinition.EmitsChanged.FALSE;
import static org.storage.stratisd.dbus.api.InterfaceDefinition.EmitsChanged.TRUE;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.dbus.api.InterfaceDefinition;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Arg;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Method;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Property;
import org.storage.stratisd.dbus.api.MethodBody;
import org.storage.stratisd.dbus.api.common.ChildChanges;
import org.storage.stratisd.dbus.api.common.Setters;
import org.storage.stratisd.dbus.api.common.Values;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.dbus.publish.ObjectSchema;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.view.BlockdevView;

/**
 * The ten revisions of {@code org.storage.stratis3.blockdev}: r0 to r2 have the method
 * {@code SetUserInfo} and publish {@code UserInfo} read-only without change signals; r3 on make
 * {@code UserInfo} writable and add {@code NewPhysicalSize}.
 */
public final class BlockdevInterfaces {

    /** The interface name without revision. */
    public static final String NAME = ObjectPaths.INTERFACE_PREFIX + "blockdev";

    private BlockdevInterfaces() {
    }

    /**
     * The revisions as served, over their shared behaviour.
     *
     * @param engine  the engine
     * @param changes runs changes on a pool's children
     * @return r0 to r9
     */
    public static List<InterfaceDefinition> served(Engine engine, ChildChanges changes) {
        BlockdevMethods methods = new BlockdevMethods(engine, changes);
        return revisions(methods::setUserInfo, methods.setters());
    }

    /**
     * What one object of this kind publishes.
     *
     * @return its properties and their values
     */
    public static ObjectSchema<BlockdevView> published() {
        return new ObjectSchema<>(InterfaceDefinition.revisions(NAME, r -> List.of(), r -> properties(r, Setters.NONE)),
                BlockdevInterfaces::values);
    }

    private static List<InterfaceDefinition> revisions(MethodBody setUserInfo, Setters setters) {
        Method legacy = new Method("SetUserInfo", List.of(new Arg("id", "(bs)")),
                List.of(new Arg("changed", "(bs)"), new Arg("return_code", "q"), new Arg("return_string", "s")), setUserInfo);
        return InterfaceDefinition.revisions(NAME, r -> r <= 2 ? List.of(legacy) : List.of(), r -> properties(r, setters));
    }

    static List<Property> properties(int revision, Setters setters) {
        List<Property> props = new ArrayList<>(List.of(
                new Property("Devnode", "s", CONST),
                new Property("HardwareInfo", "(bs)", CONST),
                new Property("InitializationTime", "t", CONST),
                new Property("PhysicalPath", "s", CONST),
                new Property("Pool", "o", CONST),
                new Property("Tier", "q", FALSE),
                new Property("TotalPhysicalSize", "s", TRUE),
                new Property("Uuid", "s", CONST)));
        if (revision >= 3) {
            props.add(new Property("NewPhysicalSize", "(bs)", TRUE));
            props.add(new Property("UserInfo", "(bs)", TRUE, setters.forName("UserInfo")));
        } else {
            props.add(new Property("UserInfo", "(bs)", FALSE));
        }
        return props;
    }

    /**
     * Every block-device property's value.
     *
     * @param dev      the snapshot
     * @param poolPath the owning pool's object path
     * @return the values
     */
    static InterfaceDefinition.Values values(BlockdevView dev, String poolPath) {
        Map<String, Variant<?>> v = new LinkedHashMap<>();
        v.put("Devnode", Values.string(dev.devnode()));
        v.put("HardwareInfo", Values.optionalString(Optional.empty()));
        v.put("InitializationTime", Values.u64(dev.initializationTime()));
        v.put("PhysicalPath", Values.string(dev.physicalPath()));
        v.put("Pool", Values.path(poolPath));
        v.put("Tier", Values.u16(dev.tier().ordinal()));
        v.put("TotalPhysicalSize", Values.string(dev.totalPhysicalSize().toString()));
        v.put("Uuid", Values.string(Values.simple(dev.uuid())));
        v.put("NewPhysicalSize", Values.optionalString(dev.newPhysicalSize().map(BigInteger::toString)));
        v.put("UserInfo", Values.optionalString(dev.userInfo()));
        return (name, revision) -> v.get(name);
    }
}
