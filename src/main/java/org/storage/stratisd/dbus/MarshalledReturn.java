package org.storage.stratisd.dbus;

import java.nio.charset.StandardCharsets;
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
final class MarshalledReturn extends MethodReturn {

    private static final int METHOD_RETURN = 2;
    private static final int NO_REPLY_EXPECTED = 0x1;
    private static final int PROTOCOL_VERSION = 1;
    private static final int FIELD_REPLY_SERIAL = 5;
    private static final int FIELD_DESTINATION = 6;
    private static final int FIELD_SIGNATURE = 8;

    private final int wireLength;
    private final Object[] values;

    private MarshalledReturn(MethodCall call, String signature, Object[] values) throws DBusException, WireMarshaller.Unsupported {
        super(call, null);
        this.values = values.clone();
        WireBuffer body = new WireBuffer(256);
        WireMarshaller.body(body, signature, values);
        byte[] bodyBytes = body.toByteArray();
        WireBuffer message = new WireBuffer(bodyBytes.length + 128);
        message.putByte('l');
        message.putByte(METHOD_RETURN);
        message.putByte(NO_REPLY_EXPECTED);
        message.putByte(PROTOCOL_VERSION);
        message.putU32(bodyBytes.length);
        message.putU32(getSerial());
        int fieldsLength = message.reserveU32();
        int fieldsStart = message.length();
        message.align(8);
        message.putByte(FIELD_REPLY_SERIAL);
        variantSignature(message, "u");
        message.putU32(call.getSerial());
        if (call.getSource() != null) {
            message.align(8);
            message.putByte(FIELD_DESTINATION);
            variantSignature(message, "s");
            byte[] destination = call.getSource().getBytes(StandardCharsets.UTF_8);
            message.putU32(destination.length);
            message.putBytes(destination);
            message.putByte(0);
        }
        if (!signature.isEmpty()) {
            message.align(8);
            message.putByte(FIELD_SIGNATURE);
            variantSignature(message, "g");
            byte[] sig = signature.getBytes(StandardCharsets.US_ASCII);
            message.putByte(sig.length);
            message.putBytes(sig);
            message.putByte(0);
        }
        message.setU32(fieldsLength, message.length() - fieldsStart);
        message.align(8);
        message.putBytes(bodyBytes);
        byte[] wire = message.toByteArray();
        this.wireLength = wire.length;
        setWireData(new byte[][] {wire});
    }

    private static void variantSignature(WireBuffer out, String sig) {
        out.putByte(sig.length());
        out.putBytes(sig.getBytes(StandardCharsets.US_ASCII));
        out.putByte(0);
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
    static MarshalledReturn of(MethodCall call, String signature, Object... values) throws DBusException, WireMarshaller.Unsupported {
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

    /**
     * The size of the whole message on the wire.
     *
     * @return bytes
     */
    int wireLength() {
        return wireLength;
    }
}
