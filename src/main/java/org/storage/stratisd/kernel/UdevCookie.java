package org.storage.stratisd.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.security.SecureRandom;
import java.util.Random;

/**
 * libdevmapper's udev synchronisation, as devicemapper-rs implements it (real-engine spec §1.5):
 * a System V semaphore keyed by a cookie {@code 0x0D4D << 16 | base}; the cookie goes to the kernel
 * in the ioctl's {@code event_nr}, the kernel puts it in the uevent, and udev's
 * {@code 95-dm-notify.rules} runs {@code dmsetup udevcomplete <cookie>} once its rules ran, which
 * decrements the semaphore. The caller waits for zero, so when an ioctl returns, udev has created
 * the device's links.
 *
 * <p>One cookie per operation; a cookie is used by one thread only.
 */
final class UdevCookie implements AutoCloseable {

    /** The cookie's magic upper half, as libdevmapper's. */
    static final int MAGIC = 0x0D4D;
    /** {@code DM_UDEV_PRIMARY_SOURCE_FLAG}: the event comes from a libdevmapper-style caller. */
    static final int PRIMARY_SOURCE = 0x40;
    /** How long to wait for udev before giving up (udev that stopped must not hang a pool operation). */
    private static final int WAIT_SECONDS = 30;

    private final LibC libc;
    private final int semid;
    private final int base;

    private UdevCookie(LibC libc, int semid, int base) {
        this.libc = libc;
        this.semid = semid;
        this.base = base;
    }

    /**
     * Creates the semaphore of a new cookie, with the count libdevmapper uses: 1 for the cookie,
     * plus 1 for the operation about to run.
     *
     * @param libc   the C library
     * @param random picks the cookie's base
     * @return the cookie
     * @throws LastErrorException if System V semaphores are unavailable
     */
    static UdevCookie create(LibC libc, Random random) {
        while (true) {
            int base = 1 + random.nextInt(0xffff);
            int key = (MAGIC << 16) | base;
            int semid;
            try {
                semid = libc.semget(key, 1, 0600 | LibC.IPC_CREAT | LibC.IPC_EXCL);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EEXIST) {
                    continue;
                }
                throw e;
            }
            UdevCookie cookie = new UdevCookie(libc, semid, base);
            try {
                libc.semctl(semid, 0, LibC.SETVAL, 1);
                cookie.op((short) 1, (short) 0);
            } catch (LastErrorException e) {
                cookie.close();
                throw e;
            }
            return cookie;
        }
    }

    /** A random source for cookie bases. */
    static Random random() {
        return new SecureRandom();
    }

    /**
     * What goes into the ioctl's {@code event_nr}: the udev rule flags and the primary-source
     * flag in the upper half, the cookie's base in the lower.
     *
     * @param ruleFlags the {@code DM_UDEV_*} flags
     * @return the value
     */
    int eventNr(int ruleFlags) {
        return ((ruleFlags | PRIMARY_SOURCE) << 16) | base;
    }

    /**
     * Waits until udev has processed the operation's uevent, or at once if the kernel sent none.
     *
     * @param ueventGenerated whether the ioctl's answer had {@code DM_UEVENT_GENERATED_FLAG}
     * @return false if udev did not complete within 30 s (the operation itself succeeded)
     */
    boolean await(boolean ueventGenerated) {
        if (!ueventGenerated) {
            op((short) -1, LibC.IPC_NOWAIT);
        }
        op((short) -1, LibC.IPC_NOWAIT);
        Memory sops = sembuf((short) 0, (short) 0);
        Memory timeout = new Memory(16);
        timeout.setLong(0, WAIT_SECONDS);
        timeout.setLong(8, 0);
        while (true) {
            try {
                libc.semtimedop(semid, sops, new NativeLong(1), timeout);
                return true;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                if (e.getErrorCode() == LibC.EAGAIN) {
                    return false;
                }
                throw e;
            }
        }
    }

    private void op(short delta, short flags) {
        libc.semop(semid, sembuf(delta, flags), new NativeLong(1));
    }

    private static Memory sembuf(short delta, short flags) {
        Memory sops = new Memory(6);
        sops.setShort(0, (short) 0);
        sops.setShort(2, delta);
        sops.setShort(4, flags);
        return sops;
    }

    /** Removes the semaphore. */
    @Override
    public void close() {
        try {
            libc.semctl(semid, 0, LibC.IPC_RMID, 0);
        } catch (LastErrorException e) {
            // already gone; nothing to release
        }
    }

}
