package org.storage.stratisd.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.engine.strat.keys.Keyring;
import org.storage.stratisd.engine.strat.keys.KeyringException;

/**
 * The kernel keyring through the {@code add_key} and {@code keyctl} system calls (JNA; no
 * {@code keyctl} program). Every call first asks for root's persistent keyring
 * ({@code KEYCTL_GET_PERSISTENT}), which also links it into the calling process' session keyring,
 * where {@code cryptsetup} and libcryptsetup's keyring token look for keys. The process keyring is
 * created when this adapter is made, as upstream's daemon does at start (real-engine spec §6.4).
 *
 * <p>Stateless apart from the C library handle; safe from any thread. Buffers that held key bytes
 * are cleared before they are freed.
 */
public final class KernelKeyring implements Keyring {

    private static final Logger log = LoggerFactory.getLogger(KernelKeyring.class);

    private static final int KEYCTL_GET_KEYRING_ID = 0;
    private static final int KEYCTL_UPDATE = 2;
    private static final int KEYCTL_SETPERM = 5;
    private static final int KEYCTL_DESCRIBE = 6;
    private static final int KEYCTL_UNLINK = 9;
    private static final int KEYCTL_SEARCH = 10;
    private static final int KEYCTL_READ = 11;
    private static final int KEYCTL_GET_PERSISTENT = 22;
    private static final long KEY_SPEC_PROCESS_KEYRING = -2;
    private static final long KEY_SPEC_SESSION_KEYRING = -3;
    /** Possessor: nothing; owning user: view, read, write, search, link, setattr; group, other: nothing. */
    private static final long OWNER_ONLY = 0x003f0000L;
    private static final int ENOSYS = 38;
    private static final int EACCES = 13;

    private final LibC libc;
    /** System call numbers of add_key and keyctl on this machine; 0 where unknown. */
    private final long addKey;
    private final long keyctl;

    /**
     * Creates the adapter and the process keyring.
     */
    public KernelKeyring() {
        this.libc = LibC.INSTANCE;
        if (Platform.isIntel() && Platform.is64Bit()) {
            addKey = 248;
            keyctl = 250;
        } else if (Platform.isARM() && Platform.is64Bit()) {
            addKey = 217;
            keyctl = 219;
        } else {
            addKey = 0;
            keyctl = 0;
        }
        try {
            call("KEYCTL_GET_KEYRING_ID of the process keyring", keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 1L);
        } catch (KeyringException e) {
            log.warn("The process keyring could not be created: {}", e.getMessage());
        }
    }

    @Override
    public OptionalInt search(String description) throws KeyringException {
        long persistent = persistent();
        try (Memory type = string("user"); Memory desc = string(description)) {
            return OptionalInt.of((int) call("KEYCTL_SEARCH of " + description, keyctl, KEYCTL_SEARCH, persistent, type, desc, 0L));
        } catch (KeyringException e) {
            if (e.errno() == KeyringException.ENOKEY) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }

    @Override
    public byte[] read(int serial, int max) throws KeyringException {
        try (Memory buffer = new Secret(max)) {
            long n = call("KEYCTL_READ of key " + serial, keyctl, KEYCTL_READ, (long) serial, buffer, (long) max);
            return buffer.getByteArray(0, (int) Math.min(n, max));
        }
    }

    @Override
    public int add(String description, byte[] payload) throws KeyringException {
        long persistent = persistent();
        try (Memory type = string("user"); Memory desc = string(description); Memory data = Secret.of(payload)) {
            long serial = call("add_key of " + description, addKey, type, desc, data, (long) payload.length, persistent);
            call("KEYCTL_SETPERM of " + description, keyctl, KEYCTL_SETPERM, serial, OWNER_ONLY);
            return (int) serial;
        }
    }

    @Override
    public void update(int serial, byte[] payload) throws KeyringException {
        try (Memory data = Secret.of(payload)) {
            call("KEYCTL_UPDATE of key " + serial, keyctl, KEYCTL_UPDATE, (long) serial, data, (long) payload.length);
        }
    }

    @Override
    public void unlink(int serial) throws KeyringException {
        call("KEYCTL_UNLINK of key " + serial, keyctl, KEYCTL_UNLINK, (long) serial, persistent());
    }

    @Override
    public List<String> descriptions() throws KeyringException {
        long persistent = persistent();
        List<String> found = new ArrayList<>();
        for (int serial : serials(persistent)) {
            String described;
            try {
                described = describe(serial);
            } catch (KeyringException e) {
                if (e.errno() == KeyringException.ENOKEY || e.errno() == EACCES) {
                    continue; // unlinked since the keyring was read, or not ours to view
                }
                throw e;
            }
            // "type;uid;gid;perm;description": the description is what follows the fourth ';'.
            String[] fields = described.split(";", 5);
            if (fields.length == 5 && fields[0].equals("user")) {
                found.add(fields[4]);
            }
        }
        return found;
    }

    private int[] serials(long keyring) throws KeyringException {
        int size = 4096;
        while (true) {
            try (Memory buffer = new Memory(size)) {
                long n = call("KEYCTL_READ of the persistent keyring", keyctl, KEYCTL_READ, keyring, buffer, (long) size);
                if (n <= size) {
                    return buffer.getIntArray(0, (int) n / Integer.BYTES);
                }
                size = (int) n;
            }
        }
    }

    private String describe(int serial) throws KeyringException {
        int size = 256;
        while (true) {
            try (Memory buffer = new Memory(size)) {
                long n = call("KEYCTL_DESCRIBE of key " + serial, keyctl, KEYCTL_DESCRIBE, (long) serial, buffer, (long) size);
                if (n <= size) {
                    // n counts the terminating NUL.
                    return new String(buffer.getByteArray(0, (int) Math.max(0, n - 1)), StandardCharsets.UTF_8);
                }
                size = (int) n;
            }
        }
    }

    private long persistent() throws KeyringException {
        return call("KEYCTL_GET_PERSISTENT of root", keyctl, KEYCTL_GET_PERSISTENT, 0L, KEY_SPEC_SESSION_KEYRING);
    }

    private long call(String what, long number, Object... args) throws KeyringException {
        if (number == 0) {
            throw new KeyringException("kernel keyring: " + what + " failed: no system call number known for "
                    + Platform.ARCH, ENOSYS);
        }
        try {
            return libc.syscall(new NativeLong(number), args).longValue();
        } catch (LastErrorException e) {
            throw new KeyringException("kernel keyring: " + what + " failed: " + libc.strerror(e.getErrorCode()) + " (errno "
                    + e.getErrorCode() + ")", e.getErrorCode());
        }
    }

    private static Memory string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        Memory memory = new Memory(bytes.length + 1L);
        memory.write(0, bytes, 0, bytes.length);
        memory.setByte(bytes.length, (byte) 0);
        return memory;
    }

    /** Native memory for key bytes: cleared before it is freed. */
    private static final class Secret extends Memory {

        Secret(long size) {
            super(size);
        }

        static Secret of(byte[] payload) {
            Secret memory = new Secret(payload.length);
            memory.write(0, payload, 0, payload.length);
            return memory;
        }

        @Override
        public void close() {
            clear();
            super.close();
        }
    }
}
