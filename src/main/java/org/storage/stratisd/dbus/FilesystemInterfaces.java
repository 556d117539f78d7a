package org.storage.stratisd.dbus;

import static org.storage.stratisd.dbus.InterfaceDefinition.EmitsChanged.CONST;
import static org.storage.stratisd.dbus.InterfaceDefinition.EmitsChanged.INVALIDATES;
import static org.storage.stratisd.dbus.InterfaceDefinition.EmitsChanged.TRUE;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.dbus.InterfaceDefinition.Arg;
import org.storage.stratisd.dbus.InterfaceDefinition.Method;
import org.storage.stratisd.dbus.InterfaceDefinition.Property;
import org.storage.stratisd.engine.FilesystemView;

/**
 * The ten revisions of {@code org.storage.stratis3.filesystem}: {@code SetName} everywhere,
 * {@code SizeLimit} from r6, {@code Origin} and {@code MergeScheduled} from r7.
 */
final class FilesystemInterfaces {

    static final String NAME = ObjectPaths.INTERFACE_PREFIX + "filesystem";

    private FilesystemInterfaces() {
    }

    static List<InterfaceDefinition> revisions(MethodBody setName, Setters setters) {
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
