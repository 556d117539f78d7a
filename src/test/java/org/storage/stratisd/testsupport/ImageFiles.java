package org.storage.stratisd.testsupport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Sparse image files standing in for block devices in the real engine's tests. */
public final class ImageFiles {

    private ImageFiles() {
    }

    /**
     * Creates a sparse file of an exact size that starts with the given bytes.
     *
     * @param dir   where
     * @param name  file name (must not exist yet)
     * @param start its first bytes (cut if longer than the size)
     * @param size  its size in bytes
     * @return the file
     */
    public static Path sparse(Path dir, String name, byte[] start, long size) throws IOException {
        Path file = dir.resolve(name);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(start));
            channel.truncate(size);
            if (channel.size() < size) {
                channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
        }
        return file;
    }
}
