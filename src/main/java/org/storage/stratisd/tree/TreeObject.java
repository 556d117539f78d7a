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
     * Returns a copy with new values for some properties; properties of interfaces the object does
     * not have are ignored.
     *
     * @param updates the new values
     * @return the changed copy; this object is left as it is
     */
    TreeObject withProperties(java.util.List<TreeUpdate.PropertyUpdate> updates) {
        SequencedMap<String, Map<String, Variant<?>>> copy = new LinkedHashMap<>();
        interfaces.forEach((name, props) -> copy.put(name, new LinkedHashMap<>(props)));
        for (TreeUpdate.PropertyUpdate update : updates) {
            Map<String, Variant<?>> props = copy.get(update.iface());
            if (props != null) {
                props.put(update.name(), update.value());
            }
        }
        return new TreeObject(kind, uuid, parent, copy);
    }
}
