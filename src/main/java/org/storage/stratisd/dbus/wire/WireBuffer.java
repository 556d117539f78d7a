package org.storage.stratisd.dbus.wire;

import java.util.Arrays;

/**
 * A growable little-endian byte buffer for marshalling. It doubles when full, so building a
 * message of n bytes copies fewer than 2n bytes in all; {@link #copiedBytes()} counts them, which
 * is how a test holds the marshalling of large replies to linear work.
 *
 * <p>Not thread-safe: one buffer per message being built.
 */
final class WireBuffer {

    private byte[] bytes;
    private int length;
    private long copied;

    WireBuffer(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    int length() {
        return length;
    }

    /** Bytes copied by growth so far. */
    long copiedBytes() {
        return copied;
    }

    private void ensure(int more) {
        int needed = length + more;
        if (needed > bytes.length) {
            int capacity = bytes.length;
            while (capacity < needed) {
                capacity = Math.multiplyExact(capacity, 2);
            }
            copied += length;
            bytes = Arrays.copyOf(bytes, capacity);
        }
    }

    /** Zero-pads to a multiple of {@code alignment} (counted from the buffer's start). */
    void align(int alignment) {
        int padded = (length + alignment - 1) / alignment * alignment;
        ensure(padded - length);
        length = padded;
    }

    void putByte(int value) {
        ensure(1);
        bytes[length++] = (byte) value;
    }

    void putU16(int value) {
        align(2);
        ensure(2);
        bytes[length++] = (byte) value;
        bytes[length++] = (byte) (value >>> 8);
    }

    void putU32(long value) {
        align(4);
        ensure(4);
        writeU32(length, value);
        length += 4;
    }

    void putU64(long value) {
        align(8);
        ensure(8);
        for (int i = 0; i < 8; i++) {
            bytes[length++] = (byte) (value >>> (8 * i));
        }
    }

    void putBytes(byte[] data) {
        ensure(data.length);
        System.arraycopy(data, 0, bytes, length, data.length);
        length += data.length;
    }

    /** Reserves an aligned u32 to be filled in later; returns its position. */
    int reserveU32() {
        putU32(0);
        return length - 4;
    }

    void setU32(int position, long value) {
        writeU32(position, value);
    }

    private void writeU32(int position, long value) {
        bytes[position] = (byte) value;
        bytes[position + 1] = (byte) (value >>> 8);
        bytes[position + 2] = (byte) (value >>> 16);
        bytes[position + 3] = (byte) (value >>> 24);
    }

    /** The content, trimmed. */
    byte[] toByteArray() {
        return bytes.length == length ? bytes : Arrays.copyOf(bytes, length);
    }
}
