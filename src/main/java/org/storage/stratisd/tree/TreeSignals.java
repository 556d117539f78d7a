package org.storage.stratisd.tree;

import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.freedesktop.dbus.types.Variant;

/** Where the tree handler announces what it changed; the D-Bus layer sends these as signals. */
public interface TreeSignals {

    /**
     * An object appeared.
     *
     * @param path       its path
     * @param interfaces its interfaces and property values
     */
    void interfacesAdded(String path, SequencedMap<String, Map<String, Variant<?>>> interfaces);

    /**
     * An object went away.
     *
     * @param path       its path
     * @param interfaces the interfaces it had
     */
    void interfacesRemoved(String path, List<String> interfaces);

    /**
     * Properties of one interface changed.
     *
     * @param path        the object path
     * @param iface       the interface
     * @param changed     new values to send
     * @param invalidated names to send as invalidated
     */
    void propertiesChanged(String path, String iface, Map<String, Variant<?>> changed, List<String> invalidated);
}
