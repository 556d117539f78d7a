package org.storage.stratisd.dbus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.lock.EngineLock;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * Runs one engine change the way every method task must: under the engine write lock, the change
 * and the tree updates it implies are made together and the updates are posted on the dbus channel
 * before the lock is released (so they reach the tree in engine order); after the release the task
 * waits until the tree handler has applied them, so its reply is never ahead of what clients read.
 * A step that throws posts nothing; the engine guarantees a failed operation changed nothing.
 */
final class Mutations {

    private final EngineLock lock;
    private final DbusChannel channel;

    Mutations(EngineLock lock, DbusChannel channel) {
        this.lock = lock;
        this.channel = channel;
    }

    /** An engine change that adds the tree updates it implies. */
    @FunctionalInterface
    interface Step<T> {
        T apply(List<TreeUpdate> updates) throws EngineException;
    }

    <T> T run(Step<T> step) throws EngineException {
        T result;
        CompletableFuture<Void> applied;
        try (EngineLock.Guard guard = lock.write()) {
            List<TreeUpdate> updates = new ArrayList<>();
            result = step.apply(updates);
            applied = updates.isEmpty() ? CompletableFuture.completedFuture(null) : channel.send(updates);
        }
        applied.join();
        return result;
    }

    /** A read of engine state under the engine read lock. */
    @FunctionalInterface
    interface Query<T> {
        T apply() throws EngineException;
    }

    <T> T read(Query<T> query) throws EngineException {
        try (EngineLock.Guard guard = lock.read()) {
            return query.apply();
        }
    }
}
