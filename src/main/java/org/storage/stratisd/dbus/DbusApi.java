package org.storage.stratisd.dbus;

import java.util.ArrayList;
import java.util.List;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.lock.EngineLock;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * The org.storage.stratis3 API assembled: the interface revisions, the shared method behaviour,
 * the publisher of tree updates and the router that answers calls.
 */
public final class DbusApi {

    private final CallRouter router;
    private final TreePublisher publisher;
    private final TreeUpdate rootRegistration;

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
        this.publisher = new TreePublisher(new ObjectPaths(), tree);
        List<InterfaceDefinition> root = ManagerInterfaces.revisions(new ManagerMethods(engine, engineLock, channel, publisher));
        List<InterfaceDefinition> others = new ArrayList<>(PoolInterfaces.revisions());
        others.addAll(BlockdevInterfaces.revisions());
        this.router = new CallRouter(tree, new InterfaceRegistry(root, others), bus);
        this.rootRegistration = publisher.addRoot(root, ManagerInterfaces.values(engine.version()));
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
     * Turns engine results into tree updates.
     *
     * @return the publisher
     */
    public TreePublisher publisher() {
        return publisher;
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
