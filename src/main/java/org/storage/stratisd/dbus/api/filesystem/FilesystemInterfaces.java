package org.storage.stratisd.dbus.api.filesystem;

import static org.storage.stratisd.dbus.api.InterfaceDefinition.EmitsChanged.CONST;
import static org.storage.stratisd.dbus.api.InterfaceDefinition.EmitsChanged.INVALIDATES;
import static org.storage.stratisd.dbus.api.InterfaceDefinition.EmitsChanged.TRUE;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.storage.stratisd.engine.view.FilesystemView;

/**
 * The ten revisions of {@code org.storage.stratis3.filesystem}: {@code SetName} everywhere,
 * {@code SizeLimit} from r6, {@code Origin} and {@code MergeScheduled} from r7.
 */
public final class FilesystemInterfaces {

    /** The interface name without revision. */
    public static final String NAME = ObjectPaths.INTERFACE_PREFIX + "filesystem";

    private FilesystemInterfaces() {
    }

    /**
     * The revisions as served, over their shared behaviour.
     *
     * @param engine  the engine
     * @param changes runs changes on a pool's children
     * @return r0 to r9
     */
    public static List<InterfaceDefinition> served(Engine engine, ChildChanges changes) {
        FilesystemMethods methods = new FilesystemMethods(engine, changes);
        return revisions(methods::setName, methods.setters());
    }

    /**
     * What one object of this kind publishes.
     *
     * @return its properties and their values
     */
    public static ObjectSchema<FilesystemView> published() {
        return new ObjectSchema<>(InterfaceDefinition.revisions(NAME, r -> List.of(), r -> properties(r, Setters.NONE)),
                FilesystemInterfaces::values);
    }

    private static List<InterfaceDefinition> revisions(MethodBody setName, Setters setters) {
        Method rename = new Method("SetName", List.of(new Arg("name", "s")),
                List.of(new Arg("result", "(bs)"), new Arg("return_code", "q"), new Arg("return_string", "s")), setName);
        return InterfaceDefinition.revisions(NAME, r -> List.of(rename), r -> properties(r, setters));
    }

    static List<Property> properties(int revision, Setters setters) {
        // Name before Devnode: a rename announces the new name, then the invalidated devnode.
        List<Property> props = new ArrayList<>(List.of(
                new Property("Name", "s", TRUE),
                new Property("Devnode", "s", INVALIDATES),
                new Property("Created", "s", CONST),
                new Property("Pool", "o", CONST),
                new Property("Size", "s", TRUE),
                new Property("Used", "(bs)", TRUE),
                new Property("Uuid", "s", CONST)));
        if (revision >= 6) {
            props.add(new Property("SizeLimit", "(bs)", TRUE, setters.forName("SizeLimit")));
        }
        if (revision >= 7) {
            props.add(new Property("Origin", "(bs)", TRUE));
            props.add(new Property("MergeScheduled", "b", TRUE, setters.forName("MergeScheduled")));
        }
        return props;
    }

    /**
     * Every filesystem property's value from one snapshot.
     *
     * @param fs       the snapshot
     * @param poolPath the owning pool's path
     * @return the values
     */
    static InterfaceDefinition.Values values(FilesystemView fs, String poolPath) {
        Map<String, Variant<?>> v = new LinkedHashMap<>();
        v.put("Created", Values.string(DateTimeFormatter.ISO_INSTANT.format(fs.created())));
        v.put("Devnode", Values.string(fs.devnode()));
        v.put("Name", Values.string(fs.name()));
        v.put("Pool", Values.path(poolPath));
        v.put("Size", Values.string(fs.size().toString()));
        v.put("Used", Values.optionalString(fs.used().map(Object::toString)));
        v.put("Uuid", Values.string(Values.simple(fs.uuid())));
        v.put("SizeLimit", Values.optionalString(fs.sizeLimit().map(Object::toString)));
        v.put("Origin", fs.origin().isPresent()
                ? Values.struct("(bs)", true, Values.simple(fs.origin().get()))
                : Values.struct("(bs)", false, Values.NIL_UUID));
        v.put("MergeScheduled", Values.bool(fs.mergeScheduled()));
        return (name, revision) -> v.get(name);
    }
}
