package org.storage.stratisd.dbus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.PoolView;
import org.storage.stratisd.engine.lock.EngineLock;
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
    private final TreeUpdate rootRegistration;
    private final Engine engine;

    /**
     * Assembles the API.
     *
     * @param engine     the engine the methods call
     * @param engineLock held by every engine call
     * @param channel    where method tasks post tree updates
     * @param tree       the dbus tree
     * @param bus        the connection
     */
    public DbusApi(Engine engine, EngineLock engineLock, DbusChannel channel, DbusTree tree, BusConnection bus) {
        this.engine = engine;
        this.publisher = new TreePublisher(new ObjectPaths(), new ObjectRegistry());
        Mutations mutations = new Mutations(engineLock, channel);
        ManagerMethods manager = new ManagerMethods(engine, mutations, publisher);
        PoolMethods pool = new PoolMethods(engine, mutations, publisher, tree);
        FilesystemMethods objects = new FilesystemMethods(engine, mutations, publisher);

        List<InterfaceDefinition> root = new ArrayList<>(ManagerInterfaces.revisions(manager));
        root.addAll(ReportInterfaces.revisions(manager::getReport));
        List<InterfaceDefinition> others = new ArrayList<>(PoolInterfaces.revisions(pool, pool.setters()));
        others.addAll(FilesystemInterfaces.revisions(objects::setName, objects.filesystemSetters()));
        others.addAll(BlockdevInterfaces.revisions(objects::setUserInfo, objects.blockdevSetters()));
        this.router = new CallRouter(tree, new InterfaceRegistry(root, others), bus);
        this.rootRegistration = publisher.addRoot(root, ManagerInterfaces.values(engine.version(), engine.stoppedPools()));
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
        updates.add(publisher.refreshRoot(ManagerInterfaces.values(engine.version(), engine.stoppedPools()), Set.of()));
        return updates;
    }

    /**
     * The root object's registration, sent before the bus name is requested.
     *
     * @return the update
     */
    public TreeUpdate rootRegistration() {
        return rootRegistration;
    }
}
