package org.storage.stratisd.tree;

import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.UUID;
import org.freedesktop.dbus.types.Variant;

/** One instruction to the tree handler, carried by the dbus channel. */
public sealed interface TreeUpdate {

    /**
     * The object path the update concerns.
     *
     * @return an object path
     */
    String path();

    /**
     * Register a new object; the tree handler emits {@code InterfacesAdded} for it.
     *
     * @param path       the new object path
     * @param kind       what the object stands for
     * @param uuid       the engine UUID
     * @param parent     the owning pool's path, or empty
     * @param interfaces its interfaces in registration order, with their property values
     */
    record AddObject(String path, ObjectKind kind, UUID uuid, String parent,
                     SequencedMap<String, Map<String, Variant<?>>> interfaces) implements TreeUpdate {
    }

    /**
     * Unregister an object; the tree handler emits {@code InterfacesRemoved} for it. Removing a path
     * that is not in the tree is a no-op.
     *
     * @param path the object path
     */
    record RemoveObject(String path) implements TreeUpdate {
    }

    /**
     * Store new property values of an object; the tree handler announces, one
     * {@code PropertiesChanged} per property and interface in the order given, each value that
     * differs from the stored one (or is forced) according to its {@link Emit}. Updates for a path
     * not in the tree are ignored.
     *
     * @param path       the object path
     * @param properties the new values
     */
    record RefreshProperties(String path, List<PropertyUpdate> properties) implements TreeUpdate {
        /** Copies the list. */
        public RefreshProperties {
            properties = List.copyOf(properties);
        }
    }

    /**
     * One property's new value and how a change of it is announced.
     *
     * @param iface the interface
     * @param name  the property
     * @param value its new value
     * @param emit  how a change is announced
     * @param force announce even if the value did not change
     */
    record PropertyUpdate(String iface, String name, Variant<?> value, Emit emit, boolean force) {
    }

    /** How a property change is announced. */
    enum Emit {
        /** {@code PropertiesChanged} with the new value. */
        VALUE,
        /** {@code PropertiesChanged} naming the property as invalidated. */
        INVALIDATE,
        /** Not announced (constant properties, or properties that never signal). */
        NONE
    }
}
