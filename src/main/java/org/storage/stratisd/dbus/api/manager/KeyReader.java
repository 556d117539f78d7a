package org.storage.stratisd.dbus.api.manager;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.util.Arrays;
import org.freedesktop.dbus.FileDescriptor;
import org.storage.stratisd.engine.EngineException;

/**
 * Reads a key from a Unix file descriptor passed with a call, as upstream does: one read of at most
 * 64 bytes; if all 64 came and the descriptor is still readable, the key is too long. (So 64 bytes
 * from a regular file, which always polls readable, are refused, and 64 bytes through a pipe whose
 * writer stays open are accepted.) The descriptor itself is closed with the call, not here. The
 * read buffer is cleared; the caller clears the returned copy once the engine has it.
 */
final class KeyReader {

    static final int MAX_KEY_BYTES = 64;

    private KeyReader() {
    }

    /**
     * Reads the key.
     *
     * @param descriptor the passed descriptor
     * @return the key bytes
     * @throws EngineException if it cannot be read or is too long
     */
    static byte[] read(FileDescriptor descriptor) throws EngineException {
        int fd = descriptor.getIntFileDescriptor();
        byte[] buffer = new byte[MAX_KEY_BYTES];
        int n;
        try {
            n = LibC.INSTANCE.read(fd, buffer, MAX_KEY_BYTES);
        } catch (LastErrorException e) {
            throw new EngineException("IO error: could not read the key from the passed file descriptor (errno "
                    + e.getErrorCode() + ")");
        }
        try {
            if (n == MAX_KEY_BYTES) {
                PollFd[] poll = (PollFd[]) new PollFd().toArray(1);
                poll[0].fd = fd;
                poll[0].events = PollFd.POLLIN;
                if (LibC.INSTANCE.poll(poll, 1, 0) > 0 && (poll[0].revents & PollFd.POLLIN) != 0) {
                    throw new EngineException("Provided key exceeded maximum allow length of " + MAX_KEY_BYTES + " bytes");
                }
            }
            return Arrays.copyOf(buffer, n);
        } finally {
            Arrays.fill(buffer, (byte) 0);
        }
    }

    /** libc's {@code read} and {@code poll}. */
    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int read(int fd, byte[] buffer, int count) throws LastErrorException;

        int poll(PollFd[] fds, int nfds, int timeoutMillis);
    }

    /** {@code struct pollfd}. */
    @Structure.FieldOrder({"fd", "events", "revents"})
    public static final class PollFd extends Structure {
        static final short POLLIN = 0x001;

        public int fd;
        public short events;
        public short revents;
    }
}
