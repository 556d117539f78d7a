package org.storage.stratisd.lifecycle;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The seed's {@code should_exit}: set once when shutdown begins, never cleared. Loops that do not
 * yield (the udev monitor) read it after every event and every poll timeout and return when it is
 * set. A plain atomic flag: one writer direction (false to true), any number of readers.
 */
public final class ShouldExit {

    private final AtomicBoolean flag = new AtomicBoolean();

    /** Marks that the daemon is shutting down. */
    public void set() {
        flag.set(true);
    }

    /**
     * Whether shutdown has begun.
     *
     * @return true once {@link #set()} was called
     */
    public boolean get() {
        return flag.get();
    }
}
