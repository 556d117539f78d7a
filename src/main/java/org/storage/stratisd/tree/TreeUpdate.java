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
     * Change property values of one interface; the tree handler emits {@code PropertiesChanged}.
     *
     * @param path        the object path
     * @param iface       the interface
     * @param changed     new values (sent in the signal and stored)
     * @param invalidated names sent as invalidated (their stored values are in {@code changed} too)
     */
    record ChangeProperties(String path, String iface, Map<String, Variant<?>> changed,
                            List<String> invalidated) implements TreeUpdate {
    }
}
