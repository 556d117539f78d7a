package org.storage.stratisd.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.PoolView;

/**
 * The rich results of engine operations: each says exactly what changed, so the caller publishes
 * from it and never re-reads state to find out.
 */
public final class Actions {

    private Actions() {
    }

    /** A rename: done, already so, or nothing by that UUID. */
    public sealed interface RenameAction {
        /** The object now has the new name. */
        record Renamed() implements RenameAction {
        }

        /** It already had that name; nothing changed. */
        record Identity() implements RenameAction {
        }

        /** No such object; nothing changed. */
        record NoSource() implements RenameAction {
        }
    }

    /** Whether a setting changed. */
    public enum Change {
        CHANGED,
        IDENTITY
    }

    /** What {@code SetKey} did. */
    public enum SetKeyAction {
        CREATED,
        VALUE_CHANGED,
        IDENTITY
    }

    /**
     * What {@code DestroyFilesystems} did.
     *
     * @param destroyed  the removed filesystems
     * @param reparented snapshots whose origin was removed, with their new origin (or none)
     */
    public record DestroyFilesystemsAction(List<UUID> destroyed, Map<UUID, Optional<UUID>> reparented) {
        /** Copies the collections. */
        public DestroyFilesystemsAction {
            destroyed = List.copyOf(destroyed);
            reparented = Map.copyOf(reparented);
        }
    }

    /** What {@code SnapshotFilesystem} did. */
    public sealed interface SnapshotAction {
        /**
         * A new snapshot exists.
         *
         * @param snapshot the snapshot
         */
        record Created(FilesystemView snapshot) implements SnapshotAction {
        }

        /** A filesystem with that name and the origin's size already existed. */
        record Identity() implements SnapshotAction {
        }
    }

    /** What {@code StopPool} did. */
    public sealed interface StopPoolAction {
        /**
         * The pool was running and is now stopped.
         *
         * @param uuid      its UUID
         * @param encrypted whether it is encrypted
         */
        record Stopped(UUID uuid, boolean encrypted) implements StopPoolAction {
        }

        /** The pool was already stopped. */
        record Identity() implements StopPoolAction {
        }
    }

    /** What {@code StartPool} did. */
    public sealed interface StartPoolAction {
        /**
         * The pool was stopped and now runs.
         *
         * @param pool the started pool
         */
        record Started(PoolView pool) implements StartPoolAction {
        }

        /** The pool was already running. */
        record Identity() implements StartPoolAction {
        }
    }

    /**
     * What a pool check did.
     *
     * @param pool    the pool afterwards
     * @param changed whether its devices grew or its out-of-space mode changed
     */
    public record PoolCheckAction(PoolView pool, boolean changed) {
    }
}
