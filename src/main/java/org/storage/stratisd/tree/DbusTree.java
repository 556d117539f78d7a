package org.storage.stratisd.tree;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.storage.stratisd.metrics.DaemonMetrics;

/**
 * The dbus tree: object paths to interfaces to property values. Every read on the bus
 * ({@code GetManagedObjects}, {@code Properties}, {@code Introspect}) and every path resolution of a
 * method task is answered from it.
 *
 * <p>Concurrency: {@link #objects} is guarded by {@link #lock}. Readers ({@link #read}) take the read
 * side for the duration of their function only; the only writer is the {@link DbusTreeHandler},
 * through {@link #apply}, which takes the write side for one update at a time. The lock is fair:
 * a waiting writer is not overtaken by later readers, so the tree handler (and every client
 * waiting on its updates) cannot be starved by a stream of reads. Values stored are immutable
 * ({@link TreeObject}), so a reader may keep what it read after releasing the lock.
 */
public final class DbusTree {

    private final DaemonMetrics metrics;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    /** Path to object, in registration order. Guarded by {@link #lock}. */
    private final SequencedMap<String, TreeObject> objects = new LinkedHashMap<>();

    /**
     * Creates an empty tree.
     *
     * @param metrics where the tree lock's wait and hold times are reported
     */
    public DbusTree(DaemonMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Runs a function over a consistent view of the tree, under the read lock.
     *
     * @param reader a short function; it must not block or call back into the tree
     * @param <T>    its result type
     * @return what the function returned
     */
    public <T> T read(Function<SequencedMap<String, TreeObject>, T> reader) {
        var readLock = lock.readLock();
        long requested = System.nanoTime();
        readLock.lock();
        long granted = System.nanoTime();
        try {
            return reader.apply(Collections.unmodifiableSequencedMap(objects));
        } finally {
            readLock.unlock();
            metrics.lock("tree", "read", granted - requested, System.nanoTime() - granted);
        }
    }

    /**
     * Looks up one object.
     *
     * @param path the object path
     * @return the object, or empty if no such path is registered
     */
    public Optional<TreeObject> get(String path) {
        return read(view -> Optional.ofNullable(view.get(path)));
    }

    /**
     * Applies one update under the write lock. Only the tree handler calls this.
     *
     * @param update the update
     * @return what was there before at that path (for signals), or empty
     */
    Optional<TreeObject> apply(TreeUpdate update) {
        var writeLock = lock.writeLock();
        long requested = System.nanoTime();
        writeLock.lock();
        long granted = System.nanoTime();
        try {
            return switch (update) {
                case TreeUpdate.AddObject add -> Optional.ofNullable(
                        objects.put(add.path(), new TreeObject(add.kind(), add.uuid(), add.parent(), add.interfaces())));
                case TreeUpdate.RemoveObject remove -> Optional.ofNullable(objects.remove(remove.path()));
                case TreeUpdate.RefreshProperties refresh -> {
                    TreeObject before = objects.get(refresh.path());
                    if (before != null) {
                        objects.put(refresh.path(), before.withProperties(refresh.properties()));
                    }
                    yield Optional.ofNullable(before);
                }
            };
        } finally {
            writeLock.unlock();
            metrics.lock("tree", "write", granted - requested, System.nanoTime() - granted);
        }
    }

    /**
     * The number of registered objects, root included.
     *
     * @return the count
     */
    public int size() {
        return read(Map::size);
    }

    /**
     * The number of registered objects of one kind.
     *
     * @param kind the kind
     * @return the count
     */
    public long count(ObjectKind kind) {
        return read(view -> view.values().stream().filter(o -> o.kind() == kind).count());
    }
}
