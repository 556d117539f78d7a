package org.storage.stratisd.engine.strat.keys;

/**
 * A keyring operation the kernel refused. The message names the layer, the call and the key's
 * description, never the key's bytes, e.g.
 * {@code kernel keyring: add_key of stratis-1-key-k1 failed: Invalid argument (errno 22)}.
 */
public final class KeyringException extends Exception {

    /** errno of ENOKEY: no such key. */
    public static final int ENOKEY = 126;

    private final int errno;

    /**
     * Creates the error.
     *
     * @param message what failed, on which key, and why
     * @param errno   the kernel's error number
     */
    public KeyringException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /**
     * The kernel's error number.
     *
     * @return errno
     */
    public int errno() {
        return errno;
    }
}
