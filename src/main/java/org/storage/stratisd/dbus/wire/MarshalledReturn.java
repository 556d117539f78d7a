package org.storage.stratisd.dbus.wire;

import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.messages.MethodReturn;

/**
 * A method return whose wire bytes this daemon marshalled itself ({@link WireMarshaller}), in one
 * piece. It is a dbus-java {@link MethodReturn} (built empty by the library, which gives it its
 * serial and its place in the connection's outgoing queue, so replies stay ordered with signals),
 * whose wire data is then replaced, through the library's protected {@code setWireData}, by the
 * complete message: the fixed header, the header fields (reply serial, destination, signature)
 * and the body, little-endian.
 */
public final class MarshalledReturn extends MethodReturn {

    private final Object[] values;

    private MarshalledReturn(MethodCall call, String signature, Object[] values) throws DBusException, WireMarshaller.Unsupported {
        super(call, null);
        this.values = values.clone();
        byte[] wire = WireMessage.fields().replySerial(call.getSerial()).destination(call.getSource())
                .build(WireMessage.METHOD_RETURN, WireMessage.NO_REPLY_EXPECTED, getSerial(), signature, values);
        setWireData(new byte[][] {wire});
    }

    /**
     * Builds the reply.
     *
     * @param call      the call answered
     * @param signature the body's signature
     * @param values    the body's values
     * @return the reply
     * @throws DBusException if dbus-java cannot make the empty return it starts from
     * @throws WireMarshaller.Unsupported if a value is of a form the marshaller does not handle
     */
    public static MarshalledReturn of(MethodCall call, String signature, Object... values) throws DBusException, WireMarshaller.Unsupported {
        return new MarshalledReturn(call, signature, values);
    }

    /**
     * The values the body was marshalled from (this message has no body for dbus-java to
     * demarshal: its wire data was replaced).
     *
     * @return a copy of the values
     */
    @Override
    public Object[] getParameters() {
        return values.clone();
    }
}
