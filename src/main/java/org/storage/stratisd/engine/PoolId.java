package org.storage.stratisd.engine;

import java.util.UUID;

/** How a client names a pool it wants to start or stop. */
public sealed interface PoolId {

    /**
     * By name.
     *
     * @param name the pool name
     */
    record ByName(String name) implements PoolId {
        @Override
        public String toString() {
            return "name " + name;
        }
    }

    /**
     * By UUID.
     *
     * @param uuid the pool UUID
     */
    record ByUuid(UUID uuid) implements PoolId {
        @Override
        public String toString() {
            return "UUID " + uuid;
        }
    }
}
