package org.storage.stratisd.engine;

import org.storage.stratisd.engine.view.PoolView;

/** What {@link Engine#createPool} did: created a pool, or found it already there. */
public sealed interface CreatePoolAction {

    /**
     * A new pool exists.
     *
     * @param pool the pool as created, with its block devices
     */
    record Created(PoolView pool) implements CreatePoolAction {
    }

    /** A running pool with that name and exactly that set of data devices already existed. */
    record Identity() implements CreatePoolAction {
    }
}
