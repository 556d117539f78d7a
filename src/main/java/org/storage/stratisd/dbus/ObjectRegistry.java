package org.storage.stratisd.dbus;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.storage.stratisd.tree.ObjectKind;

/**
 * The D-Bus layer's record of which object path stands for which engine object: the path<->UUID
 * registry. The tree is what clients see and lags the engine by whatever waits on the dbus channel;
 * this registry does not: it is changed only by tasks holding the engine's write lock, in the same
 * step as the engine change, so a task that holds the lock always finds the objects of every
 * earlier change. Reads without the lock see a consistent entry per path (concurrent map).
 */
final class ObjectRegistry {

    /** Path to entry. Written only under the engine write lock. */
    private final Map<String, Entry> byPath = new ConcurrentHashMap<>();

    /**
     * One registered object.
     *
     * @param path   its path
     * @param kind   pool, filesystem or blockdev
     * @param uuid   the engine UUID
     * @param parent the owning pool's path, empty for pools
     */
    record Entry(String path, ObjectKind kind, UUID uuid, String parent) {
    }

    void register(Entry entry) {
        byPath.put(entry.path(), entry);
    }

    void unregister(String path) {
        byPath.remove(path);
    }

    Optional<Entry> byPath(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    Optional<Entry> find(ObjectKind kind, UUID uuid) {
        return byPath.values().stream().filter(e -> e.kind() == kind && e.uuid().equals(uuid)).findFirst();
    }

    /** The children of a pool of one kind, in path-number order. */
    List<Entry> children(String poolPath, ObjectKind kind) {
        return byPath.values().stream()
                .filter(e -> e.kind() == kind && e.parent().equals(poolPath))
                .sorted(java.util.Comparator.comparingLong(e -> number(e.path())))
                .toList();
    }

    private static long number(String path) {
        return Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
    }
}
