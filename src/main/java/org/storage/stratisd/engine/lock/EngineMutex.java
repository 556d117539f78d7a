package org.storage.stratisd.engine.lock;

import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The seed design's engine lock: one fair mutex, whatever is asked for. Every request is exclusive,
 * so a slow operation on one pool holds up every other engine call. Selectable by configuration
 * ({@code stratisd.locking=engine-mutex}) to measure what per-pool locking buys.
 */
public final class EngineMutex implements EngineLock {

    /** Guards the whole engine; fair, so callers are served in arrival order. */
    private final ReentrantLock mutex = new ReentrantLock(true);

    @Override
    public Guard read(UUID pool) {
        return lock();
    }

    @Override
    public Guard write(UUID pool) {
        return lock();
    }

    @Override
    public Guard readAll() {
        return lock();
    }

    @Override
    public Guard writeAll() {
        return lock();
    }

    private Guard lock() {
        mutex.lock();
        return mutex::unlock;
    }
}
