package org.storage.stratisd.engine.strat.device;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Wraps a device and cuts one write short: the {@code n}-th write (counting from 1) stores only
 * its first {@code keep} bytes and then fails, as a crash in the middle of that write would
 * leave the device. Every later write fails without storing anything.
 */
public final class CuttingBlockAccess implements BlockAccess {

    private final BlockAccess inner;
    private final int cutWrite;
    private final int keep;
    private int writes;

    /**
     * Creates the wrapper.
     *
     * @param inner    the device
     * @param cutWrite which write to cut (1-based)
     * @param keep     how many bytes of it reach the device
     */
    public CuttingBlockAccess(BlockAccess inner, int cutWrite, int keep) {
        this.inner = inner;
        this.cutWrite = cutWrite;
        this.keep = keep;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public long sizeBytes() throws IOException {
        return inner.sizeBytes();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        inner.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        writes++;
        if (writes < cutWrite) {
            inner.write(offset, src);
            return;
        }
        if (writes == cutWrite) {
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + Math.min(keep, part.remaining()));
            inner.write(offset, part);
        }
        throw new IOException("simulated crash during write " + writes);
    }

    @Override
    public void sync() throws IOException {
        if (writes >= cutWrite) {
            throw new IOException("simulated crash");
        }
        inner.sync();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
