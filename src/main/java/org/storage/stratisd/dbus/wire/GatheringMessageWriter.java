package org.storage.stratisd.dbus.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.function.Consumer;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.spi.message.IMessageWriter;

/**
 * Writes each message with one {@code write} of all its marshalled pieces joined in one buffer,
 * where dbus-java's writer makes one {@code write} per piece (about 20 system calls for a small
 * reply, tens of thousands for a large {@code GetManagedObjects}). (A gathering write of the pieces
 * would save the copy, but junixsocket's channel does not send gathered buffers.) Messages that
 * carry file descriptors go to the transport's own writer, which passes them as ancillary data.
 *
 * <p>Called only from the connection's single sender thread, which sends messages one at a time
 * in order; a message is written completely before this returns, and its charge on the
 * {@link SendBudget} is then given back. A failed write is reported to the daemon as a lost
 * connection before dbus-java sees it (see {@link InterceptingMessageReader} for why).
 */
public final class GatheringMessageWriter implements IMessageWriter {

    private final WritableByteChannel channel;
    private final IMessageWriter withDescriptors;
    private final SendBudget budget;
    private final Consumer<IOException> lost;

    GatheringMessageWriter(WritableByteChannel channel, IMessageWriter withDescriptors, SendBudget budget,
                           Consumer<IOException> lost) {
        this.channel = channel;
        this.withDescriptors = withDescriptors;
        this.budget = budget;
        this.lost = lost;
    }

    @Override
    public void writeMessage(Message message) throws IOException {
        if (message == null || message.getWireData() == null) {
            return;
        }
        try {
            write(message);
        } catch (IOException e) {
            lost.accept(e);
            throw e;
        } finally {
            budget.release(message);
        }
    }

    private void write(Message message) throws IOException {
        if (message.getFiledescriptors() != null && !message.getFiledescriptors().isEmpty()) {
            withDescriptors.writeMessage(message);
            return;
        }
        byte[][] pieces = message.getWireData();
        ByteBuffer joined;
        if (pieces.length > 0 && pieces[0] != null && (pieces.length == 1 || pieces[1] == null)) {
            // One piece (the replies and signals the daemon marshals itself): nothing to join.
            joined = ByteBuffer.wrap(pieces[0]);
        } else {
            joined = ByteBuffer.allocate(wireLength(message));
            for (byte[] piece : pieces) {
                if (piece == null) {
                    break;
                }
                joined.put(piece);
            }
            joined.flip();
        }
        while (joined.hasRemaining()) {
            channel.write(joined);
        }
    }

    /**
     * The length of a message on the wire: the sum of its marshalled pieces (dbus-java ends the
     * list of pieces at the first null).
     *
     * @param message the message
     * @return bytes
     */
    public static int wireLength(Message message) {
        int length = 0;
        for (byte[] piece : message.getWireData()) {
            if (piece == null) {
                break;
            }
            length += piece.length;
        }
        return length;
    }

    @Override
    public boolean isClosed() {
        return !channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        withDescriptors.close();
    }
}
