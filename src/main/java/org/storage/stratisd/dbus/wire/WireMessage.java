package org.storage.stratisd.dbus.wire;

/**
 * Builds a whole D-Bus message on the wire (little-endian): the fixed header, the header fields
 * and a body marshalled by {@link WireMarshaller}, in one buffer. Used for the messages whose
 * bodies the daemon marshals itself ({@link MarshalledReturn}, {@link MarshalledSignal}).
 */
final class WireMessage {

    static final int METHOD_RETURN = 2;
    static final int SIGNAL = 4;
    static final int NO_REPLY_EXPECTED = 0x1;
    private static final int PROTOCOL_VERSION = 1;
    private static final int FIELD_PATH = 1;
    private static final int FIELD_INTERFACE = 2;
    private static final int FIELD_MEMBER = 3;
    private static final int FIELD_REPLY_SERIAL = 5;
    private static final int FIELD_DESTINATION = 6;
    private static final int FIELD_SIGNATURE = 8;

    private final WireBuffer fields = new WireBuffer(128);

    private WireMessage() {
    }

    /** A message's header fields, in the order they are added. */
    static WireMessage fields() {
        return new WireMessage();
    }

    WireMessage path(String path) {
        return string(FIELD_PATH, 'o', path);
    }

    WireMessage iface(String iface) {
        return string(FIELD_INTERFACE, 's', iface);
    }

    WireMessage member(String member) {
        return string(FIELD_MEMBER, 's', member);
    }

    WireMessage destination(String destination) {
        return destination == null ? this : string(FIELD_DESTINATION, 's', destination);
    }

    WireMessage replySerial(long serial) {
        // Field offsets count from the message start; the fields array starts at byte 16, a
        // multiple of 8, so aligning within this buffer is aligning within the message.
        fields.align(8);
        fields.putByte(FIELD_REPLY_SERIAL);
        WireMarshaller.signature(fields, "u");
        fields.putU32(serial);
        return this;
    }

    private WireMessage string(int code, char type, String value) {
        fields.align(8);
        fields.putByte(code);
        WireMarshaller.signature(fields, String.valueOf(type));
        WireMarshaller.string(fields, value);
        return this;
    }

    /**
     * The complete message.
     *
     * @param type      message type
     * @param flags     header flags
     * @param serial    the message's serial
     * @param signature the body's signature, empty for no body
     * @param values    the body's values
     * @return the wire bytes
     * @throws WireMarshaller.Unsupported if a value cannot be marshalled here
     */
    byte[] build(int type, int flags, long serial, String signature, Object[] values) throws WireMarshaller.Unsupported {
        if (!signature.isEmpty()) {
            fields.align(8);
            fields.putByte(FIELD_SIGNATURE);
            WireMarshaller.signature(fields, "g");
            WireMarshaller.signature(fields, signature);
        }
        byte[] fieldBytes = fields.toByteArray();
        // The body is marshalled in place after the header (it starts at a multiple of 8, so its
        // alignment is the same as in a buffer of its own), and its length written in afterwards:
        // a large reply is then copied once, not three times.
        WireBuffer message = new WireBuffer(16 + fieldBytes.length + 8 + WireMarshaller.sizeHint(values));
        message.putByte('l');
        message.putByte(type);
        message.putByte(flags);
        message.putByte(PROTOCOL_VERSION);
        int bodyLengthAt = message.reserveU32();
        message.putU32(serial);
        message.putU32(fieldBytes.length);
        message.putBytes(fieldBytes);
        message.align(8);
        int bodyStart = message.length();
        WireMarshaller.body(message, signature, values);
        message.setU32(bodyLengthAt, message.length() - bodyStart);
        return message.toByteArray();
    }
}
