package org.storage.stratisd.dbus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.UUID;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.engine.BlockdevView;
import org.storage.stratisd.engine.PoolView;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.tree.TreeObject;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * Turns engine results into tree updates: the objects a new pool brings (pool first, then its
 * block devices, each with the next path of the shared counter) and the removals a destroyed pool
 * implies (children first, the pool last), with every interface revision and its property values.
 */
public final class TreePublisher {

    private final ObjectPaths paths;
    private final DbusTree tree;

    /**
     * Creates the publisher.
     *
     * @param paths allocates object paths
     * @param tree  read to find a pool's children
     */
    public TreePublisher(ObjectPaths paths, DbusTree tree) {
        this.paths = paths;
        this.tree = tree;
    }

    /**
     * The root object's registration.
     *
     * @param rootInterfaces the root object's Stratis interfaces
     * @param values         every root property's value
     * @return the update
     */
    public TreeUpdate addRoot(List<InterfaceDefinition> rootInterfaces, Map<String, Variant<?>> values) {
        return new TreeUpdate.AddObject(ObjectPaths.ROOT, ObjectKind.ROOT, new UUID(0, 0), "",
                interfaces(rootInterfaces, values));
    }

    /**
     * The registrations of a pool that appeared, with newly allocated paths.
     *
     * @param pool the pool
     * @return the paths given and the updates, in registration order
     */
    public PublishedPool addPool(PoolView pool) {
        String poolPath = paths.allocate();
        List<TreeUpdate> updates = new ArrayList<>();
        updates.add(new TreeUpdate.AddObject(poolPath, ObjectKind.POOL, pool.uuid(), "",
                interfaces(PoolInterfaces.revisions(), PoolInterfaces.values(pool))));
        List<String> blockdevPaths = new ArrayList<>();
        for (BlockdevView dev : pool.blockdevs()) {
            String devPath = paths.allocate();
            blockdevPaths.add(devPath);
            updates.add(new TreeUpdate.AddObject(devPath, ObjectKind.BLOCKDEV, dev.uuid(), poolPath,
                    interfaces(BlockdevInterfaces.revisions(), BlockdevInterfaces.values(dev, poolPath))));
        }
        return new PublishedPool(poolPath, blockdevPaths, updates);
    }

    /**
     * The removals of a pool that went away: its filesystems, then its block devices, then itself.
     *
     * @param poolPath the pool's object path
     * @return the updates, in removal order
     */
    public List<TreeUpdate> removePool(String poolPath) {
        return tree.read(view -> {
            List<TreeUpdate> updates = new ArrayList<>();
            for (ObjectKind kind : List.of(ObjectKind.FILESYSTEM, ObjectKind.BLOCKDEV)) {
                view.forEach((path, object) -> {
                    if (object.kind() == kind && object.parent().equals(poolPath)) {
                        updates.add(new TreeUpdate.RemoveObject(path));
                    }
                });
            }
            updates.add(new TreeUpdate.RemoveObject(poolPath));
            return updates;
        });
    }

    private static SequencedMap<String, Map<String, Variant<?>>> interfaces(
            List<InterfaceDefinition> revisions, Map<String, Variant<?>> values) {
        SequencedMap<String, Map<String, Variant<?>>> result = new LinkedHashMap<>();
        for (InterfaceDefinition revision : revisions) {
            Map<String, Variant<?>> props = new LinkedHashMap<>();
            for (String name : revision.propertyNames()) {
                props.put(name, values.get(name));
            }
            result.put(revision.name(), props);
        }
        return result;
    }

    /**
     * Finds the object a path names, if it is of the expected kind.
     *
     * @param path the object path
     * @param kind the expected kind
     * @return its UUID, or empty
     */
    public Optional<UUID> resolve(String path, ObjectKind kind) {
        return tree.get(path).filter(o -> o.kind() == kind).map(TreeObject::uuid);
    }

    /**
     * A pool's registration.
     *
     * @param poolPath      the pool's path
     * @param blockdevPaths its block devices' paths
     * @param updates       the updates to send
     */
    public record PublishedPool(String poolPath, List<String> blockdevPaths, List<TreeUpdate> updates) {
    }
}
