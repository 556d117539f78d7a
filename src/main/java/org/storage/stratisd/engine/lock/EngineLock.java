package org.storage.stratisd.engine.lock;

import java.util.UUID;

/**
 * The engine lock: what method tasks, the udev handler and reports hold while they use the engine.
 * Two implementations: {@link PoolLocks} (per pool, the default) and {@link EngineMutex} (one lock
 * for everything, as the seed design has it, kept for comparison).
 *
 * <p>Contract for engine callers: a change to one pool holds {@link #write(UUID)} of that pool; a
 * change to the pool table (create, destroy, rename, start, stop) holds {@link #writeAll()}; a query
 * of one pool at least {@link #read(UUID)}; a query of all pools at least {@link #readAll()}.
 */
public interface EngineLock {

    /**
     * Shared access to one pool.
     *
     * @param pool the pool
     * @return the held guard
     */
    Guard read(UUID pool);

    /**
     * Exclusive access to one pool.
     *
     * @param pool the pool
     * @return the held guard
     */
    Guard write(UUID pool);

    /**
     * Shared access to every pool.
     *
     * @return the held guard
     */
    Guard readAll();

    /**
     * Exclusive access to every pool and to the pool table.
     *
     * @return the held guard
     */
    Guard writeAll();

    /** A held lock; closing it releases it exactly once. */
    @FunctionalInterface
    interface Guard extends AutoCloseable {
        @Override
        void close();
    }
}
