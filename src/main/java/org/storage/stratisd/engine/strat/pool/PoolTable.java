package org.storage.stratisd.engine.strat.pool;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running pools, by UUID. Changed only under the engine's write-all lock (create, destroy,
 * start, stop, device events); read under any lock, and the set of pool UUIDs also by the
 * device-mapper event task without one, which is why the map is concurrent.
 */
final class PoolTable {

    private final Map<UUID, StratPool> pools = new ConcurrentHashMap<>();

    Optional<StratPool> get(UUID uuid) {
        return Optional.ofNullable(pools.get(uuid));
    }

    Optional<StratPool> byName(String name) {
        return pools.values().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    void put(StratPool pool) {
        pools.put(pool.uuid(), pool);
    }

    void remove(UUID uuid) {
        pools.remove(uuid);
    }

    /** The pools in a stable order: by name, then UUID. */
    List<StratPool> all() {
        return pools.values().stream().sorted(Comparator.comparing(StratPool::name).thenComparing(StratPool::uuid)).toList();
    }

    /** The UUIDs of the running pools; safe without the engine lock. */
    List<UUID> uuids() {
        return List.copyOf(pools.keySet());
    }
}
