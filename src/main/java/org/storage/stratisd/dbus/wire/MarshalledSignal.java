package org.storage.stratisd.dbus.wire;

import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.DBusSignal;

/**
 * A signal whose wire bytes this daemon marshalled itself, in one piece, like
 * {@link MarshalledReturn}: a dbus-java {@link DBusSignal} built without a body (which gives it its
 * serial and its place in the connection's queue), whose wire data is replaced by the complete
 * message: header fields path, interface, member and signature, and the body.
 */
public final class MarshalledSignal extends DBusSignal {

    private final Object[] values;

    private MarshalledSignal(String path, String iface, String member, String signature, Object[] values)
            throws DBusException, WireMarshaller.Unsupported {
        super((byte) 'l', null, path, iface, member, null);
        this.values = values.clone();
        setWireData(new byte[][] {WireMessage.fields().path(path).iface(iface).member(member)
                .build(WireMessage.SIGNAL, WireMessage.NO_REPLY_EXPECTED, getSerial(), signature, values)});
    }

    /**
     * Builds a signal.
     *
     * @param path      the emitting object
     * @param iface     the signal's interface
     * @param member    the signal's name
     * @param signature the body's signature
     * @param values    the body's values
     * @return the signal
     * @throws DBusException if dbus-java cannot make the empty signal it starts from
     * @throws WireMarshaller.Unsupported if a value is of a form the marshaller does not handle
     */
    public static MarshalledSignal of(String path, String iface, String member, String signature, Object... values)
            throws DBusException, WireMarshaller.Unsupported {
        return new MarshalledSignal(path, iface, member, signature, values);
    }

    /**
     * The values the body was marshalled from (this message has no body for dbus-java to demarshal).
     *
     * @return a copy of the values
     */
    @Override
    public Object[] getParameters() {
        return values.clone();
    }
}
