package org.storage.stratisd.dbus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.dbus.api.DbusErrorReply;
import org.storage.stratisd.dbus.api.DbusErrors;
import org.storage.stratisd.dbus.api.InterfaceDefinition;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.tree.TreeObject;

/**
 * Decides what answers a method call: the standard interfaces (Peer, Introspectable, Properties,
 * ObjectManager) are answered from the dbus tree alone, without engine locks; a Stratis method is
 * checked against the tree (object, interface) and its revision's definition (member, signature)
 * and then run. Errors use the standard D-Bus names.
 */
public final class CallRouter {

    static final String PEER = "org.freedesktop.DBus.Peer";
    static final String INTROSPECTABLE = "org.freedesktop.DBus.Introspectable";
    static final String PROPERTIES = "org.freedesktop.DBus.Properties";
    static final String OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager";

    private final DbusTree tree;
    private final InterfaceRegistry registry;
    private final BusConnection bus;
    private final ManagedObjects managedObjects;

    /**
     * Creates the router.
     *
     * @param tree     the dbus tree
     * @param registry the interface revisions
     * @param bus      the connection (for the machine id)
     */
    public CallRouter(DbusTree tree, InterfaceRegistry registry, BusConnection bus) {
        this.tree = tree;
        this.registry = registry;
        this.bus = bus;
        this.managedObjects = new ManagedObjects(tree);
    }

    /**
     * Answers one call.
     *
     * @param call the call
     * @return the reply's signature and values
     * @throws DbusErrorReply to answer with a D-Bus error
     */
    public Reply route(MethodCall call) throws DbusErrorReply {
        String iface = call.getInterface();
        if (iface == null) {
            throw new DbusErrorReply(DbusErrors.FAILED, "Missing interface");
        }
        String signature = Objects.requireNonNullElse(call.getSig(), "");
        Object[] args = arguments(call);
        return switch (iface) {
            case PEER -> peer(call.getName(), signature);
            case INTROSPECTABLE -> {
                expect(iface, call.getName(), "Introspect", signature, "");
                yield new Reply("s", introspect(call.getPath()));
            }
            case PROPERTIES -> properties(call.getPath(), call.getName(), signature, args);
            case OBJECT_MANAGER -> {
                expect(iface, call.getName(), "GetManagedObjects", signature, "");
                if (!call.getPath().equals(ObjectPaths.ROOT)) {
                    throw unknownInterface(iface);
                }
                yield new Reply("a{oa{sa{sv}}}", managedObjects.reply());
            }
            default -> stratis(call, iface, signature, args);
        };
    }

    private Reply peer(String member, String signature) throws DbusErrorReply {
        return switch (member) {
            case "Ping" -> {
                expect(PEER, member, member, signature, "");
                yield new Reply("");
            }
            case "GetMachineId" -> {
                expect(PEER, member, member, signature, "");
                yield new Reply("s", bus.machineId());
            }
            default -> throw unknownMethod(member);
        };
    }

    private Reply properties(String path, String member, String signature, Object[] args) throws DbusErrorReply {
        TreeObject object = object(path);
        return switch (member) {
            case "Get" -> {
                expect(PROPERTIES, member, member, signature, "ss");
                Variant<?> value = interfaceOf(object, (String) args[0]).get((String) args[1]);
                if (value == null) {
                    throw new DbusErrorReply(DbusErrors.UNKNOWN_PROPERTY, "Unknown property '" + args[1] + "'");
                }
                yield new Reply("v", value);
            }
            case "GetAll" -> {
                expect(PROPERTIES, member, member, signature, "s");
                yield new Reply("a{sv}", new LinkedHashMap<>(interfaceOf(object, (String) args[0])));
            }
            case "Set" -> {
                expect(PROPERTIES, member, member, signature, "ssv");
                String iface = (String) args[0];
                String name = (String) args[1];
                interfaceOf(object, iface);
                InterfaceDefinition.Property property = registry.get(iface).flatMap(d -> d.property(name))
                        .filter(InterfaceDefinition.Property::writable)
                        .orElseThrow(() -> new DbusErrorReply(DbusErrors.UNKNOWN_PROPERTY,
                                "Unknown property '" + name + "' or property is read-only"));
                Variant<?> value = (Variant<?>) args[2];
                if (!value.getSig().equals(property.signature())) {
                    throw new DbusErrorReply(DbusErrors.INVALID_ARGS, "Property " + name + " has type '" + property.signature()
                            + "', not '" + value.getSig() + "'");
                }
                property.setter().set(path, value.getValue());
                yield new Reply("");
            }
            default -> throw unknownMethod(member);
        };
    }

    private Reply stratis(MethodCall call, String iface, String signature, Object[] args) throws DbusErrorReply {
        TreeObject object = object(call.getPath());
        if (!object.interfaces().containsKey(iface)) {
            throw unknownInterface(iface);
        }
        InterfaceDefinition.Method method = registry.get(iface)
                .flatMap(d -> d.method(call.getName()))
                .orElseThrow(() -> unknownMethod(call.getName()));
        expect(iface, call.getName(), method.name(), signature, method.inSignature());
        return new Reply(method.outSignature(), method.body().invoke(call, args));
    }

    private String introspect(String path) throws DbusErrorReply {
        Optional<TreeObject> object = tree.get(path);
        if (object.isPresent()) {
            List<InterfaceDefinition> definitions = new ArrayList<>();
            object.get().interfaces().keySet().forEach(name -> registry.get(name).ifPresent(definitions::add));
            List<String> children = path.equals(ObjectPaths.ROOT) ? childNames() : List.of();
            return Introspection.xml(definitions, path.equals(ObjectPaths.ROOT), children);
        }
        String prefix = path.equals("/") ? "/" : path + "/";
        if (ObjectPaths.ROOT.startsWith(prefix)) {
            String child = ObjectPaths.ROOT.substring(prefix.length()).split("/")[0];
            return Introspection.xml(List.of(), false, List.of(child));
        }
        throw unknownObject(path);
    }

    private List<String> childNames() {
        return tree.read(view -> view.entrySet().stream()
                .filter(e -> e.getValue().kind() != ObjectKind.ROOT)
                .map(e -> e.getKey().substring(ObjectPaths.ROOT.length() + 1))
                .toList());
    }

    private TreeObject object(String path) throws DbusErrorReply {
        return tree.get(path).orElseThrow(() -> unknownObject(path));
    }

    private static Map<String, Variant<?>> interfaceOf(TreeObject object, String iface) throws DbusErrorReply {
        Map<String, Variant<?>> props = object.interfaces().get(iface);
        if (props == null) {
            throw unknownInterface(iface);
        }
        return props;
    }

    private static void expect(String iface, String member, String known, String actual, String expected)
            throws DbusErrorReply {
        if (!member.equals(known)) {
            throw unknownMethod(member);
        }
        if (!actual.equals(expected)) {
            throw new DbusErrorReply(DbusErrors.INVALID_ARGS, "Invalid arguments for " + iface + "." + member
                    + ": expected signature '" + expected + "', got '" + actual + "'");
        }
    }

    /**
     * The call's arguments. A body the library cannot read (malformed, or naming a file descriptor
     * that was not passed) is the caller's error, never an internal one.
     */
    private static Object[] arguments(MethodCall call) throws DbusErrorReply {
        try {
            Object[] args = call.getParameters();
            return args == null ? new Object[0] : args;
        } catch (DBusException | RuntimeException e) {
            throw new DbusErrorReply(DbusErrors.INVALID_ARGS, "Cannot read the arguments: " + e);
        }
    }

    private static DbusErrorReply unknownObject(String path) {
        return new DbusErrorReply(DbusErrors.UNKNOWN_OBJECT, "Unknown object '" + path + "'");
    }

    private static DbusErrorReply unknownInterface(String iface) {
        return new DbusErrorReply(DbusErrors.UNKNOWN_INTERFACE, "Unknown interface '" + iface + "'");
    }

    private static DbusErrorReply unknownMethod(String member) {
        return new DbusErrorReply(DbusErrors.UNKNOWN_METHOD, "Unknown method '" + member + "'");
    }

    /**
     * A successful reply's body.
     *
     * @param signature the body signature, empty for none
     * @param values    the values
     */
    public record Reply(String signature, Object... values) {
    }
}
