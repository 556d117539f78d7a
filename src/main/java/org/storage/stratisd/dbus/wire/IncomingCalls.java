package org.storage.stratisd.dbus.wire;

import org.freedesktop.dbus.messages.MethodCall;

/** Takes the method calls that arrive on the daemon's bus connection, one at a time, in order. */
@FunctionalInterface
public interface IncomingCalls {

    /**
     * Accepts one method call. Runs on the connection's reader thread: it must hand the call off
     * and return at once, and it owns the duty to reply.
     *
     * @param call the call as read from the wire
     */
    void accept(MethodCall call);
}
