package org.storage.stratisd.dbus.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MessageFactory;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.spi.message.IMessageReader;
import org.junit.jupiter.api.Test;

/**
 * The intercepting reader: method calls go to the daemon and read as nothing for dbus-java, other
 * messages pass through, and a failed read is reported as a lost connection before dbus-java sees it.
 */
class InterceptingMessageReaderTest {

    /** A reader that hands out the given results in turn: a message, or an exception to throw. */
    private static IMessageReader reading(Object... results) {
        return new IMessageReader() {
            private int next;

            @Override
            public Message readMessage() throws IOException {
                Object result = results[next++];
                if (result instanceof IOException e) {
                    throw e;
                }
                return (Message) result;
            }

            @Override
            public boolean isClosed() {
                return false;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void callsGoToTheDaemonOtherMessagesPassAndAFailedReadIsReportedAsALoss() throws Exception {
        MessageFactory factory = new MessageFactory((byte) 'l');
        MethodCall call = factory.createMethodCall(":1.7", "org.storage.stratis3", "/org/storage/stratis3",
                "org.freedesktop.DBus.Peer", "Ping", (byte) 0, "");
        Message signal = factory.createSignal(null, "/x", "org.example.X", "S", "s", "v");
        EOFException eof = new EOFException("(1) Underlying transport returned -1");
        List<MethodCall> calls = new ArrayList<>();
        List<IOException> lost = new ArrayList<>();
        InterceptingMessageReader reader = new InterceptingMessageReader(reading(call, signal, eof), calls::add, lost::add);

        assertThat(reader.readMessage()).as("a call is taken off dbus-java's dispatch").isNull();
        assertThat(calls).containsExactly(call);
        assertThat(reader.readMessage()).isSameAs(signal);
        assertThat(lost).as("no loss while reads succeed").isEmpty();

        assertThatThrownBy(reader::readMessage).as("dbus-java still sees the failure").isSameAs(eof);
        assertThat(lost).containsExactly(eof);
        assertThat(calls).hasSize(1);
    }
}
