package org.storage.stratisd.engine.strat.device;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A device held in memory, for tests of the on-disk format. */
public final class MemoryBlockAccess implements BlockAccess {

    private final String name;
    private final byte[] bytes;

    /**
     * Creates a device over a byte array (not copied).
     *
     * @param name  the name errors show
     * @param bytes the device's contents
     */
    public MemoryBlockAccess(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    /**
     * The contents (live).
     *
     * @return the array
     */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return bytes.length;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        if (offset + dst.remaining() > bytes.length) {
            throw new EOFException(name + " ends at byte " + bytes.length);
        }
        dst.put(bytes, (int) offset, dst.remaining());
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        if (offset + src.remaining() > bytes.length) {
            throw new EOFException(name + " ends at byte " + bytes.length);
        }
        src.get(bytes, (int) offset, src.remaining());
    }

    @Override
    public void sync() {
        // nothing to flush
    }

    @Override
    public void close() {
        // nothing to release
    }
}
