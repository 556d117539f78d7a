package org.storage.stratisd.dbus.api.common;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.lock.EngineLock;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * Runs one engine change the way every method task must: under the narrowest engine lock (one
 * pool's write lock, or write-all for changes to the pool table), the change and the tree updates it
 * implies are made together and the updates are posted on the dbus channel before the lock is
 * released, so the updates of each pool reach the tree in engine order; after the release the task
 * waits until the tree handler has applied them, so its reply is never ahead of what clients read.
 * A step that throws posts nothing; the engine guarantees a failed operation changed nothing.
 */
public final class Mutations {

    private final EngineLock lock;
    private final DbusChannel channel;

    public Mutations(EngineLock lock, DbusChannel channel) {
        this.lock = lock;
        this.channel = channel;
    }

    /** An engine change that adds the tree updates it implies. */
    @FunctionalInterface
    public interface Step<T> {
        T apply(List<TreeUpdate> updates) throws EngineException;
    }

    /** A read of engine state. */
    @FunctionalInterface
    public interface Query<T> {
        T apply() throws EngineException;
    }

    /** A change confined to one pool, under that pool's write lock. */
    public <T> T onPool(UUID pool, Step<T> step) throws EngineException {
        return run(() -> lock.write(pool), step);
    }

    /** A change to the pool table (or touching every pool), under write-all. */
    public <T> T onAll(Step<T> step) throws EngineException {
        return run(lock::writeAll, step);
    }

    /** A read of one pool, under its read lock. */
    public <T> T readPool(UUID pool, Query<T> query) throws EngineException {
        try (EngineLock.Guard guard = lock.read(pool)) {
            return query.apply();
        }
    }

    /** A read of every pool, under read-all. */
    public <T> T readAll(Query<T> query) throws EngineException {
        try (EngineLock.Guard guard = lock.readAll()) {
            return query.apply();
        }
    }

    private <T> T run(Supplier<EngineLock.Guard> acquire, Step<T> step) throws EngineException {
        T result;
        CompletableFuture<Void> applied;
        try (EngineLock.Guard guard = acquire.get()) {
            List<TreeUpdate> updates = new ArrayList<>();
            result = step.apply(updates);
            applied = updates.isEmpty() ? CompletableFuture.completedFuture(null) : channel.send(updates);
        }
        applied.join();
        return result;
    }
}
