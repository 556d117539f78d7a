package org.storage.stratisd.testsupport;

import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.tree.TreeSignals;

/** Tree signals that go nowhere, for tests of the tree handler's users that do not look at signals. */
public final class NoTreeSignals implements TreeSignals {

    /** The one instance; it has no state. */
    public static final TreeSignals INSTANCE = new NoTreeSignals();

    private NoTreeSignals() {
    }

    @Override
    public void interfacesAdded(String path, SequencedMap<String, Map<String, Variant<?>>> interfaces) {
    }

    @Override
    public void interfacesRemoved(String path, List<String> interfaces) {
    }

    @Override
    public void propertiesChanged(String path, String iface, Map<String, Variant<?>> changed, List<String> invalidated) {
    }
}
