package org.storage.stratisd.dbus.publish;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.storage.stratisd.tree.ObjectKind;

/**
 * The D-Bus layer's record of which object path stands for which engine object: the path<->UUID
 * registry. The tree is what clients see and lags the engine by whatever waits on the dbus channel;
 * this registry does not: it is changed only by tasks holding the engine's write lock, in the same
 * step as the engine change, so a task that holds the lock always finds the objects of every
 * earlier change. Reads without the lock see a consistent entry per path (concurrent map).
 */
public final class ObjectRegistry {

    /** Path to entry. Written only under the engine write lock. */
    private final Map<String, Entry> byPath = new ConcurrentHashMap<>();
    /** Kind and UUID to entry: the same entries as {@link #byPath}, changed in the same calls. */
    private final Map<Key, Entry> byUuid = new ConcurrentHashMap<>();
    /**
     * Pool path to its children by path number: the same entries again. A pool's children are
     * changed only by a task holding that pool's write lock (or the engine-wide one), so per
     * pool there is one writer at a time; the maps are concurrent for readers and for the
     * writers of different pools.
     */
    private final Map<String, NavigableMap<Long, Entry>> children = new ConcurrentHashMap<>();

    private record Key(ObjectKind kind, UUID uuid) {
    }

    /**
     * One registered object.
     *
     * @param path   its path
     * @param kind   pool, filesystem or blockdev
     * @param uuid   the engine UUID
     * @param parent the owning pool's path, empty for pools
     */
    public record Entry(String path, ObjectKind kind, UUID uuid, String parent) {
    }

    void register(Entry entry) {
        byPath.put(entry.path(), entry);
        byUuid.put(new Key(entry.kind(), entry.uuid()), entry);
        if (!entry.parent().isEmpty()) {
            children.computeIfAbsent(entry.parent(), p -> new ConcurrentSkipListMap<>()).put(number(entry.path()), entry);
        }
    }

    void unregister(String path) {
        Entry entry = byPath.remove(path);
        if (entry == null) {
            return;
        }
        byUuid.remove(new Key(entry.kind(), entry.uuid()), entry);
        if (!entry.parent().isEmpty()) {
            NavigableMap<Long, Entry> siblings = children.get(entry.parent());
            if (siblings != null) {
                siblings.remove(number(path));
            }
        } else {
            children.remove(path);
        }
    }

    Optional<Entry> byPath(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    Optional<Entry> find(ObjectKind kind, UUID uuid) {
        return Optional.ofNullable(byUuid.get(new Key(kind, uuid)));
    }

    /** The children of a pool of one kind, in path-number order. */
    List<Entry> children(String poolPath, ObjectKind kind) {
        NavigableMap<Long, Entry> siblings = children.get(poolPath);
        return siblings == null ? List.of() : siblings.values().stream().filter(e -> e.kind() == kind).toList();
    }

    private static long number(String path) {
        return Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
    }
}
