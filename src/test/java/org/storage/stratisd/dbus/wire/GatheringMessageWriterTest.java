package org.storage.stratisd.dbus.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MessageFactory;
import org.freedesktop.dbus.spi.message.IMessageWriter;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;

/** One system call per message, with exactly the bytes dbus-java marshalled. */
class GatheringMessageWriterTest {

    /** A channel that records what is written and how many writes it took, at most 4 KiB a write. */
    private static final class CountingChannel implements WritableByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;

        @Override
        public int write(ByteBuffer src) {
            writes++;
            int n = Math.min(src.remaining(), 4096);
            byte[] chunk = new byte[n];
            src.get(chunk);
            bytes.write(chunk, 0, n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static final IMessageWriter UNUSED = new IMessageWriter() {
        @Override
        public void writeMessage(Message message) {
            throw new AssertionError("messages without descriptors must not go to the transport's writer");
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public void close() {
        }
    };

    @Test
    void aLargeReplyGoesOutWhole() throws Exception {
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> objects = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            objects.put(new DBusPath("/org/storage/stratis3/" + i),
                    Map.of("org.storage.stratis3.pool.r9", Map.of("Name", new Variant<>("pool" + i), "Uuid", new Variant<>("u" + i))));
        }
        Message message = new MessageFactory((byte) 'l').createSignal(null, "/org/storage/stratis3",
                "org.freedesktop.DBus.ObjectManager", "Test", "a{oa{sa{sv}}}", objects);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<byte[]> pieces = new ArrayList<>();
        for (byte[] piece : message.getWireData()) {
            if (piece == null) {
                break;
            }
            pieces.add(piece);
            expected.write(piece);
        }
        CountingChannel channel = new CountingChannel();

        SendBudget budget = new SendBudget(1L << 20);
        budget.acquire(message);
        assertThat(budget.queued()).isEqualTo(expected.size());

        List<IOException> lost = new ArrayList<>();
        new GatheringMessageWriter(channel, UNUSED, budget, lost::add).writeMessage(message);

        assertThat(lost).as("a write that succeeded reports no loss").isEmpty();

        assertThat(budget.queued()).as("the written message's charge given back").isZero();

        assertThat(channel.bytes.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(pieces.size()).as("dbus-java marshals in many pieces").isGreaterThan(100);
        assertThat(channel.writes).as("writes: only as many as the channel needs for the bytes, not one per piece")
                .isEqualTo((expected.size() + 4095) / 4096);
    }

    @Test
    void aFailedWriteIsReportedAsALostConnectionAndGivesItsChargeBack() throws Exception {
        Message message = new MessageFactory((byte) 'l').createSignal(null, "/org/storage/stratis3",
                "org.storage.stratis3.Manager", "Test", "s", "x".repeat(1000));
        IOException broken = new IOException("Broken pipe");
        WritableByteChannel failing = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                throw broken;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        SendBudget budget = new SendBudget(1L << 20);
        budget.acquire(message);
        List<IOException> lost = new ArrayList<>();

        assertThatThrownBy(() -> new GatheringMessageWriter(failing, UNUSED, budget, lost::add).writeMessage(message))
                .as("dbus-java still sees the failure and disconnects").isSameAs(broken);

        assertThat(lost).containsExactly(broken);
        assertThat(budget.queued()).isZero();
    }
}
