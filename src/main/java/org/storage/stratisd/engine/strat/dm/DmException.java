package org.storage.stratisd.engine.strat.dm;

/**
 * A device-mapper operation the kernel refused. The message names the layer, the operation and
 * the device, e.g. {@code device-mapper: DM_TABLE_LOAD of stratis-1-private-…-flex-mdv failed: Device or resource busy (EBUSY)}.
 */
public final class DmException extends Exception {

    /** errno of EBUSY. */
    public static final int EBUSY = 16;
    /** errno of ENXIO: no such device. */
    public static final int ENXIO = 6;
    /** errno of ENOENT. */
    public static final int ENOENT = 2;

    private final int errno;

    /**
     * Creates the error.
     *
     * @param message what failed, on which device, and why
     * @param errno   the kernel's error number, 0 if none
     */
    public DmException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /**
     * The kernel's error number.
     *
     * @return errno, 0 when the failure was not a refused system call
     */
    public int errno() {
        return errno;
    }
}
