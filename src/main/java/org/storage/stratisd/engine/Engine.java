package org.storage.stratisd.engine;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The storage engine: the pools, their filesystems and block devices. It knows nothing of D-Bus or
 * of the framework that hosts it; every operation returns a rich result that says exactly what
 * changed, and the caller publishes from that result.
 *
 * <p>Thread safety: an engine is not synchronised internally. Callers hold the engine lock
 * ({@link org.storage.stratisd.engine.lock.EngineLock}): the write side for every mutating call,
 * at least the read side for every query.
 */
public interface Engine {

    /**
     * Creates a pool, or reports that an identical one already runs.
     *
     * @param request the decoded request
     * @return {@link CreatePoolAction.Created} or {@link CreatePoolAction.Identity}
     * @throws EngineException on invalid input or a conflicting existing pool; nothing is changed
     */
    CreatePoolAction createPool(CreatePoolRequest request) throws EngineException;

    /**
     * Destroys a running pool that has no filesystems.
     *
     * @param pool the pool's UUID
     * @return {@link DestroyPoolAction.Deleted} or {@link DestroyPoolAction.Identity} when no such pool runs
     * @throws EngineException when the pool still has filesystems; nothing is changed
     */
    DestroyPoolAction destroyPool(UUID pool) throws EngineException;

    /**
     * Looks up one running pool.
     *
     * @param pool the pool's UUID
     * @return its snapshot, or empty if no such pool runs
     */
    Optional<PoolView> pool(UUID pool);

    /**
     * Snapshots every running pool.
     *
     * @return the pools in a stable order
     */
    List<PoolView> pools();

    /**
     * Lets the engine process a batch of block-device events.
     *
     * @param events the events, oldest first
     * @return pools that became ready because of these events (to be published)
     */
    List<PoolView> handleDeviceEvents(List<DeviceEvent> events);

    /**
     * The daemon version this engine reports (the D-Bus {@code Version} property).
     *
     * @return e.g. {@code 3.9.2}
     */
    String version();
}
