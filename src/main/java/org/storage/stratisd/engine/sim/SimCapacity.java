package org.storage.stratisd.engine.sim;

/** How the simulator reports a pool's sizes. */
public enum SimCapacity {
    /**
     * As upstream's simulator (the spec's fixed values): 2^60 sectors in all, nothing used, never out
     * of allocation space. The default; what conformance with upstream's simulator requires.
     */
    UPSTREAM,
    /**
     * From the pool's devices, so that a pool can fill: its size is its data devices' (1 GiB each),
     * what its filesystems use (half their size each, as the simulator reports) is both used and
     * allocated, capped at the size, and a pool whose filesystems use all of it has no allocation
     * space left; a model of thin data and metadata usage is reported beside it (see
     * {@code SimPool.thinUsage}). For operators' tests of monitoring against the simulator; not
     * upstream's values.
     */
    DEVICES
}
