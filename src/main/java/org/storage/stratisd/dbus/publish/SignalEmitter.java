package org.storage.stratisd.dbus.publish;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.dbus.wire.MarshalledSignal;
import org.storage.stratisd.dbus.wire.MessageSink;
import org.storage.stratisd.dbus.wire.WireMarshaller;
import org.storage.stratisd.tree.TreeSignals;

/**
 * Sends the tree handler's announcements as D-Bus signals: {@code InterfacesAdded} and
 * {@code InterfacesRemoved} from the root, one signal per object (as stratisd 3.0 to 3.8 did),
 * and {@code PropertiesChanged} from the object concerned. Called only from the tree handler's
 * thread, so signals leave in the order the tree changed.
 */
public final class SignalEmitter implements TreeSignals {

    private static final String OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager";
    private static final String PROPERTIES = "org.freedesktop.DBus.Properties";

    private final MessageSink bus;

    /**
     * Creates the emitter.
     *
     * @param bus where signals are sent: the daemon's connection
     */
    public SignalEmitter(MessageSink bus) {
        this.bus = bus;
    }

    @Override
    public void interfacesAdded(String path, SequencedMap<String, Map<String, Variant<?>>> interfaces) {
        if (path.equals(ObjectPaths.ROOT)) {
            return;
        }
        DBusPath object = new DBusPath(path);
        send(() -> MarshalledSignal.of(ObjectPaths.ROOT, OBJECT_MANAGER, "InterfacesAdded", "oa{sa{sv}}", object, interfaces),
                () -> new ObjectManager.InterfacesAdded(ObjectPaths.ROOT, object, new LinkedHashMap<>(interfaces)));
    }

    @Override
    public void interfacesRemoved(String path, List<String> interfaces) {
        DBusPath object = new DBusPath(path);
        send(() -> MarshalledSignal.of(ObjectPaths.ROOT, OBJECT_MANAGER, "InterfacesRemoved", "oas", object, interfaces),
                () -> new ObjectManager.InterfacesRemoved(ObjectPaths.ROOT, object, interfaces));
    }

    @Override
    public void propertiesChanged(String path, String iface, Map<String, Variant<?>> changed, List<String> invalidated) {
        send(() -> MarshalledSignal.of(path, PROPERTIES, "PropertiesChanged", "sa{sv}as", iface, changed, invalidated),
                () -> new Properties.PropertiesChanged(path, iface, changed, invalidated));
    }

    /** Sends the signal as marshalled here, or as dbus-java builds it if a value is of a form not handled here. */
    private void send(OwnSignal own, SignalFactory library) {
        try {
            org.freedesktop.dbus.messages.DBusSignal signal;
            try {
                signal = own.create();
            } catch (WireMarshaller.Unsupported e) {
                signal = library.create();
            }
            bus.send(signal);
        } catch (DBusException e) {
            throw new IllegalStateException("Cannot build signal", e);
        }
    }

    @FunctionalInterface
    private interface OwnSignal {
        org.freedesktop.dbus.messages.DBusSignal create() throws DBusException, WireMarshaller.Unsupported;
    }

    @FunctionalInterface
    private interface SignalFactory {
        org.freedesktop.dbus.messages.DBusSignal create() throws DBusException;
    }
}
