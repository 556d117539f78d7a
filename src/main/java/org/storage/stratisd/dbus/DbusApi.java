package org.storage.stratisd.dbus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.storage.stratisd.dbus.api.InterfaceDefinition;
import org.storage.stratisd.dbus.api.blockdev.BlockdevInterfaces;
import org.storage.stratisd.dbus.api.common.ChildChanges;
import org.storage.stratisd.dbus.api.common.Mutations;
import org.storage.stratisd.dbus.api.filesystem.FilesystemInterfaces;
import org.storage.stratisd.dbus.api.manager.ManagerInterfaces;
import org.storage.stratisd.dbus.api.pool.PoolInterfaces;
import org.storage.stratisd.dbus.api.report.ReportInterfaces;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.dbus.publish.ObjectRegistry;
import org.storage.stratisd.dbus.publish.PublishedStorage;
import org.storage.stratisd.dbus.publish.TreePublisher;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.lock.EngineLock;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.StoppedPoolView;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * The org.storage.stratis3 API assembled: the interface revisions of every object kind over their
 * shared behaviour, the publisher of tree updates and the router that answers calls.
 */
public final class DbusApi {

    private final CallRouter router;
    private final TreePublisher publisher;
    private final List<TreeUpdate> registrations;
    private final Engine engine;

    /**
     * Assembles the API.
     *
     * @param engine     the engine the methods call
     * @param engineLock held by every engine call
     * @param channel    where method tasks post tree updates
     * @param tree       the dbus tree
     * @param bus        the connection
     * @param storage    where the publisher records the snapshots it published
     */
    public DbusApi(Engine engine, EngineLock engineLock, DbusChannel channel, DbusTree tree, BusConnection bus,
                   PublishedStorage storage) {
        this.engine = engine;
        Served served = serve(engine, engineLock, channel, tree, storage);
        this.publisher = served.publisher();
        this.router = new CallRouter(tree, new InterfaceRegistry(served.root(), served.others()), bus);
        List<TreeUpdate> initial = new ArrayList<>();
        List<StoppedPoolView> stopped = engine.stoppedPools();
        initial.add(publisher.addRoot(ManagerInterfaces.values(engine.version(), stopped), stopped));
        for (PoolView pool : engine.pools()) {
            initial.addAll(publisher.syncPool(pool.uuid(), Optional.of(pool), Set.of()).updates());
        }
        this.registrations = List.copyOf(initial);
    }

    /**
     * The interface revisions of every object kind over their shared behaviour, and the publisher
     * their methods report to.
     *
     * @param publisher publishes engine results to the tree
     * @param root      the root object's interfaces (Manager, then Report)
     * @param others    the pool, filesystem and block-device interfaces
     */
    record Served(TreePublisher publisher, List<InterfaceDefinition> root, List<InterfaceDefinition> others) {

        /** Copies the lists. */
        Served {
            root = List.copyOf(root);
            others = List.copyOf(others);
        }

        /** Every served interface revision, root first. */
        List<InterfaceDefinition> all() {
            List<InterfaceDefinition> all = new ArrayList<>(root);
            all.addAll(others);
            return all;
        }
    }

    /** Builds what {@link DbusApi} serves; the conformance test reads the same tables. */
    static Served serve(Engine engine, EngineLock engineLock, DbusChannel channel, DbusTree tree, PublishedStorage storage) {
        List<InterfaceDefinition> rootSchema = new ArrayList<>(ManagerInterfaces.schema());
        rootSchema.addAll(ReportInterfaces.schema());
        TreePublisher publisher = new TreePublisher(new ObjectPaths(), new ObjectRegistry(), rootSchema,
                PoolInterfaces.published(), FilesystemInterfaces.published(), BlockdevInterfaces.published(), storage);
        Mutations mutations = new Mutations(engineLock, channel);
        ChildChanges children = new ChildChanges(engine, mutations, publisher);
        List<InterfaceDefinition> root = new ArrayList<>(ManagerInterfaces.served(engine, mutations, publisher));
        root.addAll(ReportInterfaces.served(engine, mutations));
        List<InterfaceDefinition> others = new ArrayList<>(PoolInterfaces.served(engine, mutations, publisher, tree));
        others.addAll(FilesystemInterfaces.served(engine, children));
        others.addAll(BlockdevInterfaces.served(engine, children));
        return new Served(publisher, root, others);
    }

    /**
     * Answers method calls.
     *
     * @return the router
     */
    public CallRouter router() {
        return router;
    }

    /**
     * The tree updates after the engine processed device events: the registration of every pool
     * it set up, then the root's properties (the stopped pools change as devices come and go).
     * Call with the engine write lock held, like every change to what the D-Bus layer has
     * registered.
     *
     * @param started the pools the events set up
     * @return the updates, in order
     */
    public List<TreeUpdate> publishAfterDeviceEvents(List<PoolView> started) {
        List<TreeUpdate> updates = new ArrayList<>();
        for (PoolView pool : started) {
            updates.addAll(publisher.syncPool(pool.uuid(), Optional.of(pool), Set.of()).updates());
        }
        List<StoppedPoolView> stopped = engine.stoppedPools();
        updates.add(publisher.refreshRoot(ManagerInterfaces.values(engine.version(), stopped), stopped, Set.of()));
        return updates;
    }

    /**
     * The tree updates that publish a pool's snapshot after the device-mapper event task checked
     * it. Call with the pool's write lock held.
     *
     * @param pool the pool's snapshot
     * @return the updates, in order
     */
    public List<TreeUpdate> publishAfterCheck(PoolView pool) {
        return publisher.syncPool(pool.uuid(), Optional.of(pool), Set.of()).updates();
    }

    /**
     * What the tree holds before the bus name is requested: the root object, then every pool the
     * engine runs at start-up with its filesystems and block devices.
     *
     * @return the updates, in order
     */
    public List<TreeUpdate> registrations() {
        return registrations;
    }
}
