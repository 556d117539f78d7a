package org.storage.stratisd.dbus.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Property;
import org.storage.stratisd.dbus.api.InterfaceDefinition;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.StoppedPoolView;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * Turns engine state into tree updates. A pool is published by <em>syncing</em> it: objects the
 * registry does not know yet get the next paths of the shared counter (pool first, then its
 * filesystems, then its block devices) and are added; known ones get their property values
 * refreshed (the tree handler signals what changed); objects the engine no longer has are removed,
 * filesystems before block devices before the pool. Every sync is made under the engine write lock
 * and changes the {@link ObjectRegistry} in the same step.
 */
public final class TreePublisher {

    private static final Map<InterfaceDefinition.EmitsChanged, TreeUpdate.Emit> EMITS = Map.of(
            InterfaceDefinition.EmitsChanged.TRUE, TreeUpdate.Emit.VALUE,
            InterfaceDefinition.EmitsChanged.INVALIDATES, TreeUpdate.Emit.INVALIDATE,
            InterfaceDefinition.EmitsChanged.CONST, TreeUpdate.Emit.NONE,
            InterfaceDefinition.EmitsChanged.FALSE, TreeUpdate.Emit.NONE);

    private final ObjectPaths paths;
    private final ObjectRegistry registry;
    /**
     * What each filesystem and block device was last published from, by UUID. Written, like the
     * registry, only by a task holding the owning pool's write lock, so one writer per pool.
     */
    private final Map<UUID, Published> published = new ConcurrentHashMap<>();
    private final List<InterfaceDefinition> root;
    private final ObjectSchema<PoolView> pool;
    private final ObjectSchema<FilesystemView> filesystem;
    private final ObjectSchema<BlockdevView> blockdev;
    private final PublishedStorage storage;

    /**
     * Creates the publisher.
     *
     * @param paths      allocates the paths of new objects
     * @param registry   the path/UUID registry it keeps
     * @param root       the root object's interface revisions (their properties are published)
     * @param pool       what a pool publishes
     * @param filesystem what a filesystem publishes
     * @param blockdev   what a block device publishes
     * @param storage    where the snapshots published from are recorded
     */
    public TreePublisher(ObjectPaths paths, ObjectRegistry registry, List<InterfaceDefinition> root, ObjectSchema<PoolView> pool,
                         ObjectSchema<FilesystemView> filesystem, ObjectSchema<BlockdevView> blockdev, PublishedStorage storage) {
        this.storage = storage;
        this.paths = paths;
        this.registry = registry;
        this.root = List.copyOf(root);
        this.pool = pool;
        this.filesystem = filesystem;
        this.blockdev = blockdev;
    }

    /**
     * The root object's registration.
     *
     * @param values  the Manager property values
     * @param stopped the stopped pools the values were made from
     * @return the update
     */
    public TreeUpdate addRoot(InterfaceDefinition.Values values, List<StoppedPoolView> stopped) {
        storage.stopped(stopped);
        return new TreeUpdate.AddObject(ObjectPaths.ROOT, ObjectKind.ROOT, new UUID(0, 0), "", interfaces(root, values));
    }

    /**
     * New values for the root's properties.
     *
     * @param values  the Manager property values
     * @param stopped the stopped pools the values were made from
     * @param forced  properties to announce even if unchanged
     * @return the update
     */
    public TreeUpdate refreshRoot(InterfaceDefinition.Values values, List<StoppedPoolView> stopped, Set<String> forced) {
        storage.stopped(stopped);
        return new TreeUpdate.RefreshProperties(ObjectPaths.ROOT, propertyUpdates(root, values, forced));
    }

    /**
     * Publishes a pool as the engine now has it, or its removal if it has none.
     *
     * @param uuid   the pool
     * @param view   the engine's snapshot of it, empty if it is gone (destroyed or stopped)
     * @param forced pool properties to announce even if unchanged
     * @return the pool's path, the paths given to new objects, and the updates in order
     */
    public Sync syncPool(UUID uuid, Optional<PoolView> view, Set<String> forced) {
        Optional<ObjectRegistry.Entry> known = registry.find(ObjectKind.POOL, uuid);
        storage.pool(uuid, view);
        List<TreeUpdate> updates = new ArrayList<>();
        List<Added> added = new ArrayList<>();
        if (view.isEmpty()) {
            known.ifPresent(entry -> {
                removeChildren(entry.path(), Set.of(), updates);
                updates.add(new TreeUpdate.RemoveObject(entry.path()));
                registry.unregister(entry.path());
            });
            return new Sync(known.map(ObjectRegistry.Entry::path).orElse(ObjectPaths.NONE), added, updates);
        }
        PoolView p = view.get();
        String poolPath;
        if (known.isPresent()) {
            poolPath = known.get().path();
            updates.add(new TreeUpdate.RefreshProperties(poolPath, propertyUpdates(pool.revisions(), pool.values().apply(p, poolPath), forced)));
        } else {
            poolPath = paths.allocate();
            registry.register(new ObjectRegistry.Entry(poolPath, ObjectKind.POOL, uuid, ""));
            updates.add(new TreeUpdate.AddObject(poolPath, ObjectKind.POOL, uuid, "", interfaces(pool.revisions(), pool.values().apply(p, poolPath))));
            added.add(new Added(uuid, poolPath, ObjectKind.POOL));
        }
        Set<UUID> present = new LinkedHashSet<>();
        p.filesystems().forEach(f -> present.add(f.uuid()));
        p.blockdevs().forEach(b -> present.add(b.uuid()));
        removeChildren(poolPath, present, updates);
        for (FilesystemView fs : p.filesystems()) {
            publishChild(ObjectKind.FILESYSTEM, fs.uuid(), poolPath, fs, filesystem.revisions(),
                    () -> filesystem.values().apply(fs, poolPath), updates, added);
        }
        for (BlockdevView dev : p.blockdevs()) {
            publishChild(ObjectKind.BLOCKDEV, dev.uuid(), poolPath, dev, blockdev.revisions(),
                    () -> blockdev.values().apply(dev, poolPath), updates, added);
        }
        return new Sync(poolPath, added, updates);
    }

    /**
     * Finds the object a path names, if it is of the expected kind.
     *
     * @param path the object path
     * @param kind the expected kind
     * @return its UUID, or empty
     */
    public Optional<UUID> resolve(String path, ObjectKind kind) {
        return registry.byPath(path).filter(e -> e.kind() == kind).map(ObjectRegistry.Entry::uuid);
    }

    /**
     * The registry entry of a path.
     *
     * @param path the object path
     * @return the entry, or empty
     */
    public Optional<ObjectRegistry.Entry> entry(String path) {
        return registry.byPath(path);
    }

    private void publishChild(ObjectKind kind, UUID uuid, String poolPath, Object view, List<InterfaceDefinition> schema,
                              Supplier<InterfaceDefinition.Values> values, List<TreeUpdate> updates, List<Added> added) {
        Optional<ObjectRegistry.Entry> known = registry.find(kind, uuid);
        Published now = new Published(view, poolPath);
        if (known.isPresent()) {
            // A child's properties are a function of its view and its pool's path: the same pair
            // as last published means no property changed, and no update is needed.
            if (!now.equals(published.put(uuid, now))) {
                updates.add(new TreeUpdate.RefreshProperties(known.get().path(), propertyUpdates(schema, values.get(), Set.of())));
            }
            return;
        }
        published.put(uuid, now);
        String path = paths.allocate();
        registry.register(new ObjectRegistry.Entry(path, kind, uuid, poolPath));
        updates.add(new TreeUpdate.AddObject(path, kind, uuid, poolPath, interfaces(schema, values.get())));
        added.add(new Added(uuid, path, kind));
    }

    private void removeChildren(String poolPath, Set<UUID> keep, List<TreeUpdate> updates) {
        for (ObjectKind kind : List.of(ObjectKind.FILESYSTEM, ObjectKind.BLOCKDEV)) {
            for (ObjectRegistry.Entry child : registry.children(poolPath, kind)) {
                if (!keep.contains(child.uuid())) {
                    updates.add(new TreeUpdate.RemoveObject(child.path()));
                    registry.unregister(child.path());
                    published.remove(child.uuid());
                }
            }
        }
    }

    private static SequencedMap<String, Map<String, Variant<?>>> interfaces(
            List<InterfaceDefinition> revisions, InterfaceDefinition.Values values) {
        SequencedMap<String, Map<String, Variant<?>>> result = new LinkedHashMap<>();
        for (InterfaceDefinition revision : revisions) {
            Map<String, Variant<?>> props = new LinkedHashMap<>();
            for (Property property : revision.properties()) {
                props.put(property.name(), values.get(property.name(), revision.revision()));
            }
            result.put(revision.name(), props);
        }
        return result;
    }

    /** One update per property and revision: a property's revisions together, in first-appearance order. */
    private static List<TreeUpdate.PropertyUpdate> propertyUpdates(List<InterfaceDefinition> revisions,
                                                                   InterfaceDefinition.Values values, Set<String> forced) {
        Set<String> names = new LinkedHashSet<>();
        revisions.forEach(r -> names.addAll(r.propertyNames()));
        List<TreeUpdate.PropertyUpdate> updates = new ArrayList<>();
        for (String name : names) {
            for (InterfaceDefinition revision : revisions) {
                revision.property(name).ifPresent(property -> updates.add(new TreeUpdate.PropertyUpdate(
                        revision.name(), name, values.get(name, revision.revision()), EMITS.get(property.emits()),
                        forced.contains(name))));
            }
        }
        return updates;
    }

    /**
     * A pool's publication.
     *
     * @param poolPath the pool's path ({@code /} if it was never registered)
     * @param added    the objects registered now, in registration order
     * @param updates  the updates to send
     */
    public record Sync(String poolPath, List<Added> added, List<TreeUpdate> updates) {

        /**
         * The paths given to new objects of one kind, in registration order.
         *
         * @param kind the kind
         * @return the paths
         */
        public List<String> addedPaths(ObjectKind kind) {
            return added.stream().filter(a -> a.kind() == kind).map(Added::path).toList();
        }

        /**
         * The path given to a new object.
         *
         * @param uuid its UUID
         * @return the path, or empty if it was not added now
         */
        public Optional<String> addedPath(UUID uuid) {
            return added.stream().filter(a -> a.uuid().equals(uuid)).map(Added::path).findFirst();
        }
    }

    /**
     * An object registered by a sync.
     *
     * @param uuid its engine UUID
     * @param path its new path
     * @param kind its kind
     */
    public record Added(UUID uuid, String path, ObjectKind kind) {
    }

    /** A child's view and its pool's path: everything its properties are computed from. */
    private record Published(Object view, String poolPath) {
    }
}
