package org.storage.stratisd.tree;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import java.util.UUID;
import org.freedesktop.dbus.types.Variant;

/**
 * One object of the dbus tree: what it stands for and its interfaces with their property values,
 * in the order the interfaces were registered.
 *
 * @param kind       root, pool, filesystem or blockdev
 * @param uuid       the engine UUID the object stands for (nil for the root)
 * @param parent     the owning pool's path for filesystems and block devices, empty otherwise
 * @param interfaces interface name to property name to value; unmodifiable
 */
public record TreeObject(ObjectKind kind, UUID uuid, String parent, SequencedMap<String, Map<String, Variant<?>>> interfaces) {

    /** Freezes the maps so a reader can keep a reference after the read lock is released. */
    public TreeObject {
        SequencedMap<String, Map<String, Variant<?>>> copy = new LinkedHashMap<>();
        interfaces.forEach((name, props) -> copy.put(name, Collections.unmodifiableMap(new LinkedHashMap<>(props))));
        interfaces = Collections.unmodifiableSequencedMap(copy);
    }

    /**
     * Returns a copy with some properties of one interface changed.
     *
     * @param iface   the interface
     * @param changed new values
     * @return the changed copy; this object is left as it is
     */
    TreeObject withProperties(String iface, Map<String, Variant<?>> changed) {
        SequencedMap<String, Map<String, Variant<?>>> copy = new LinkedHashMap<>(interfaces);
        Map<String, Variant<?>> props = new LinkedHashMap<>(copy.getOrDefault(iface, Map.of()));
        props.putAll(changed);
        copy.put(iface, props);
        return new TreeObject(kind, uuid, parent, copy);
    }
}
