package org.storage.stratisd.dbus.wire;

import java.nio.channels.SocketChannel;
import org.freedesktop.dbus.spi.message.IMessageReader;
import org.freedesktop.dbus.spi.message.IMessageWriter;
import org.freedesktop.dbus.transport.junixsocket.JUnixSocketSocketProvider;

/**
 * The junixsocket socket provider (which passes Unix file descriptors, as {@code SetKey} and
 * {@code StartPool} need), with the reader of a connection built through
 * {@link CallInterception#build} wrapped so that its method calls reach the daemon's dispatcher.
 * The daemon's connection also writes through a {@link GatheringMessageWriter}: one system call per
 * message instead of one per marshalled piece.
 * Registered in {@code META-INF/services}; being in the application's own classes, it is found
 * before the library's provider. {@link BusConnection} checks that it was used and refuses to start
 * otherwise.
 */
public final class InterceptingSocketProvider extends JUnixSocketSocketProvider {

    @Override
    public IMessageReader createReader(SocketChannel channel) {
        IMessageReader reader = super.createReader(channel);
        return CallInterception.current()
                .<IMessageReader>map(binding -> new InterceptingMessageReader(reader, binding.sink, binding.lost))
                .orElse(reader);
    }

    @Override
    public IMessageWriter createWriter(SocketChannel channel) {
        IMessageWriter writer = super.createWriter(channel);
        return CallInterception.current()
                .<IMessageWriter>map(binding -> new GatheringMessageWriter(channel, writer, binding.budget, binding.lost))
                .orElse(writer);
    }
}
