package org.storage.stratisd.dbus.publish;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.StoppedPoolView;

/**
 * The engine snapshots the tree was last published from: each running pool's {@link PoolView} and
 * the list of stopped pools. It lets readers that want typed figures rather than D-Bus values (the
 * storage metrics) see what clients see without taking an engine lock.
 *
 * <p>Concurrency: the {@link TreePublisher} writes a pool's entry while the task holds that pool's
 * write lock (or write-all), so there is one writer per pool; the stopped list is replaced whole,
 * under write-all or the lock of the change that produced it. Readers take no lock: they see each
 * pool's latest snapshot (immutable records), possibly a pool in both sets for the moment between
 * a start being published and the stopped list following it. {@link #version} grows with every
 * write, so a reader can tell whether anything changed since it last looked.
 */
public final class PublishedStorage {

    private final Map<UUID, PoolView> running = new ConcurrentHashMap<>();
    private volatile List<StoppedPoolView> stopped = List.of();
    private final AtomicLong version = new AtomicLong();

    /**
     * Records a pool as published, or its removal.
     *
     * @param uuid the pool
     * @param view its snapshot, or empty if it is no longer running
     */
    void pool(UUID uuid, Optional<PoolView> view) {
        if (view.isPresent()) {
            running.put(uuid, view.get());
        } else {
            running.remove(uuid);
        }
        version.incrementAndGet();
    }

    /**
     * Records the stopped pools as published.
     *
     * @param pools every stopped pool
     */
    void stopped(List<StoppedPoolView> pools) {
        stopped = List.copyOf(pools);
        version.incrementAndGet();
    }

    /** @return the running pools' snapshots, in no particular order */
    public Collection<PoolView> running() {
        return List.copyOf(running.values());
    }

    /** @return the stopped pools, as last published */
    public List<StoppedPoolView> stopped() {
        return stopped;
    }

    /** @return a count that grows with every change recorded */
    public long version() {
        return version.get();
    }
}
