package org.storage.stratisd.dbus.wire;

import org.freedesktop.dbus.messages.Message;

/** Where outgoing messages go: the daemon's bus connection, which sends them in the order given. */
@FunctionalInterface
public interface MessageSink {

    /**
     * Queues a message (reply, error or signal) for sending.
     *
     * @param message the message
     */
    void send(Message message);
}
