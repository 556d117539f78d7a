package org.storage.stratisd.dbus;

import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.messages.constants.Flags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.dbus.api.DbusErrors;
import org.storage.stratisd.dbus.wire.GatheringMessageWriter;
import org.storage.stratisd.dbus.wire.MarshalledReturn;
import org.storage.stratisd.dbus.wire.WireMarshaller;

/** Builds and sends replies to method calls, honouring the caller's no-reply-expected flag. */
final class Replies {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private Replies() {
    }

    /**
     * A successful reply.
     *
     * @param bus       the connection
     * @param call      the call answered
     * @param signature the reply body's signature, empty for none
     * @param maxBytes  the largest message the bus accepts: a larger reply would make the bus drop
     *                  this daemon's connection, so the caller gets a LimitsExceeded error instead
     * @param values    the body, in dbus-java's marshalling forms
     * @return the reply message
     * @throws DBusException if the values do not fit the signature
     */
    static Message success(BusConnection bus, MethodCall call, String signature, long maxBytes, Object... values)
            throws DBusException {
        if (signature.isEmpty()) {
            return bus.messages().createMethodReturn(call, null);
        }
        Message reply;
        try {
            reply = MarshalledReturn.of(call, signature, values);
        } catch (WireMarshaller.Unsupported e) {
            log.debug("Reply to {} marshalled by dbus-java: {}", call.getName(), e.getMessage());
            reply = bus.messages().createMethodReturn(call, signature, WireMarshaller.plain(values));
        }
        long size = GatheringMessageWriter.wireLength(reply);
        if (size > maxBytes) {
            log.warn("Reply to {}.{} is {} bytes, more than the bus accepts ({}); answered with {} instead",
                    call.getInterface(), call.getName(), size, maxBytes, DbusErrors.LIMITS_EXCEEDED);
            return error(bus, call, DbusErrors.LIMITS_EXCEEDED, "The reply to " + call.getName() + " would be " + size
                    + " bytes, more than the bus accepts in one message (" + maxBytes + " bytes)");
        }
        return reply;
    }

    /**
     * An error reply with a standard error name and a message.
     *
     * @param bus  the connection
     * @param call the call answered
     * @param name the error name, e.g. {@link DbusErrors#FAILED}
     * @param text the human-readable message
     * @return the error message
     */
    static Message error(BusConnection bus, MethodCall call, String name, String text) {
        try {
            return bus.messages().createError(call.getSource(), name, call.getSerial(), "s", text);
        } catch (DBusException e) {
            throw new IllegalStateException("Cannot build an error reply for " + call, e);
        }
    }

    /**
     * Whether the caller expects a reply.
     *
     * @param call the call
     * @return false if the call carries the no-reply-expected flag
     */
    static boolean wantsReply(MethodCall call) {
        boolean wants = (call.getFlags() & Flags.NO_REPLY_EXPECTED) == 0;
        if (!wants) {
            log.trace("Call {} expects no reply", call.getSerial());
        }
        return wants;
    }
}
