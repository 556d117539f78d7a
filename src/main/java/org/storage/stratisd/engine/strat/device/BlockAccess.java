package org.storage.stratisd.engine.strat.device;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Positional byte access to one block device or image file. The metadata layer reads and writes
 * through this and nothing else, so a test can put a failing or truncating access in its place.
 */
public interface BlockAccess extends Closeable {

    /**
     * The device's name as errors should show it (its path).
     *
     * @return the name
     */
    String name();

    /**
     * The size of the device in bytes.
     *
     * @return the size
     * @throws IOException if it cannot be determined
     */
    long sizeBytes() throws IOException;

    /**
     * Fills {@code dst} from {@code offset}.
     *
     * @param offset byte offset
     * @param dst    filled completely
     * @throws IOException on a read error or if the device ends first
     */
    void read(long offset, ByteBuffer dst) throws IOException;

    /**
     * Writes all of {@code src} at {@code offset}.
     *
     * @param offset byte offset
     * @param src    written completely
     * @throws IOException on a write error
     */
    void write(long offset, ByteBuffer src) throws IOException;

    /**
     * Flushes written data to the device.
     *
     * @throws IOException on error
     */
    void sync() throws IOException;

    /**
     * Reads {@code length} bytes at {@code offset}.
     *
     * @param offset byte offset
     * @param length how many
     * @return the bytes
     * @throws IOException on error
     */
    default byte[] readBytes(long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        read(offset, buffer);
        return buffer.array();
    }
}
