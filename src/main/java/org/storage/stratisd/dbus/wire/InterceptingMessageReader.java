package org.storage.stratisd.dbus.wire;

import java.io.IOException;
import java.util.function.Consumer;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.spi.message.IMessageReader;

/**
 * A message reader that hands every incoming method call to the daemon's own dispatcher and
 * passes every other message (replies to our own calls, errors, signals) on to dbus-java. The
 * library's reader thread treats a {@code null} read as "nothing this time", so taking a call away
 * leaves its own dispatch (which would block one of its few pool threads per call) out of the path.
 *
 * <p>A failed read (the bus closed the socket) is reported to the daemon before it reaches
 * dbus-java: the library calls its disconnect callback only if it still finds the transport open,
 * and it may not (when a failed write on the sender thread closed it first), which would leave the
 * daemon running without a bus.
 */
final class InterceptingMessageReader implements IMessageReader {

    private final IMessageReader delegate;
    private final IncomingCalls sink;
    private final Consumer<IOException> lost;

    InterceptingMessageReader(IMessageReader delegate, IncomingCalls sink, Consumer<IOException> lost) {
        this.delegate = delegate;
        this.sink = sink;
        this.lost = lost;
    }

    @Override
    public Message readMessage() throws IOException, DBusException {
        Message message;
        try {
            message = delegate.readMessage();
        } catch (IOException e) {
            lost.accept(e);
            throw e;
        }
        if (message instanceof MethodCall call) {
            sink.accept(call);
            return null;
        }
        return message;
    }

    @Override
    public boolean isClosed() {
        return delegate.isClosed();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
