package org.storage.stratisd.engine;

import java.util.UUID;

/** What {@link Engine#destroyPool} did: removed the pool, or found nothing to remove. */
public sealed interface DestroyPoolAction {

    /**
     * The pool was removed.
     *
     * @param uuid the removed pool's UUID
     */
    record Deleted(UUID uuid) implements DestroyPoolAction {
    }

    /** No running pool had that UUID; nothing changed. */
    record Identity() implements DestroyPoolAction {
    }
}
