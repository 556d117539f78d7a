package org.storage.stratisd.engine.strat.device;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@link BlockAccess} over a file channel: works for block devices and image files alike. */
public final class FileBlockAccess implements BlockAccess {

    private final Path path;
    private final FileChannel channel;
    private final long size;

    private FileBlockAccess(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    /**
     * Opens a device for reading only.
     *
     * @param path device node or image file
     * @return the access
     * @throws IOException if it cannot be opened
     */
    public static FileBlockAccess openReadOnly(Path path) throws IOException {
        return open(path, false);
    }

    /**
     * Opens a device for reading and writing.
     *
     * @param path device node or image file
     * @return the access
     * @throws IOException if it cannot be opened
     */
    public static FileBlockAccess openReadWrite(Path path) throws IOException {
        return open(path, true);
    }

    private static FileBlockAccess open(Path path, boolean write) throws IOException {
        FileChannel channel = write
                ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ);
        try {
            // For a block device the channel's size is the device's size (Linux, JDK 19 and later).
            return new FileBlockAccess(path, channel, channel.size());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long sizeBytes() {
        return size;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        long position = offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position);
            if (n < 0) {
                throw new EOFException(path + " ends at byte " + position + ", before the " + dst.limit()
                        + " bytes wanted from byte " + offset);
            }
            position += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        long position = offset;
        while (src.hasRemaining()) {
            position += channel.write(src, position);
        }
    }

    @Override
    public void sync() throws IOException {
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
