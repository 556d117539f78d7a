package org.storage.stratisd.engine.lock;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The engine lock of the seed design: one lock around the whole engine. Method tasks take the
 * write side for every mutating engine call and keep it while they post the resulting tree
 * updates, so updates reach the dbus channel in engine order; queries take the read side.
 *
 * <p>Invariant: engine state is only read under at least the read side and only changed under the
 * write side. The lock is fair so that a queued writer is not starved by a stream of readers.
 * Per-pool granularity is the next step (the locking issue); callers go through {@link #write()}
 * and {@link #read()} only, so that change stays in this package.
 */
public final class EngineLock {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);

    /**
     * Takes exclusive access to the engine; close the guard to release it.
     *
     * @return the held guard
     */
    public Guard write() {
        var writeLock = lock.writeLock();
        writeLock.lock();
        return writeLock::unlock;
    }

    /**
     * Takes shared access to the engine; close the guard to release it.
     *
     * @return the held guard
     */
    public Guard read() {
        var readLock = lock.readLock();
        readLock.lock();
        return readLock::unlock;
    }

    /** A held side of the lock; closing it releases the lock exactly once per acquisition. */
    @FunctionalInterface
    public interface Guard extends AutoCloseable {
        @Override
        void close();
    }
}
