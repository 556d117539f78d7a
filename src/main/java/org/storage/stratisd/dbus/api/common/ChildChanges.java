package org.storage.stratisd.dbus.api.common;

import java.util.Set;
import java.util.UUID;
import org.storage.stratisd.dbus.api.DbusErrorReply;
import org.storage.stratisd.dbus.api.DbusErrors;
import org.storage.stratisd.dbus.publish.ObjectRegistry;
import org.storage.stratisd.dbus.publish.TreePublisher;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.tree.ObjectKind;

/**
 * Changes to a pool's children (filesystems and block devices), as their methods and setters make
 * them: the object path is resolved to the child and its pool, the change runs under that pool's
 * write lock and ends with a sync of the pool.
 */
public final class ChildChanges {

    /** The {@code (false, nil UUID)} payload of a rename that changed nothing. */
    private static final Object[] NOT_CHANGED = Results.struct(false, Values.NIL_UUID);

    private final Engine engine;
    private final Mutations mutations;
    private final TreePublisher publisher;

    /**
     * Creates the helper.
     *
     * @param engine    the engine
     * @param mutations runs changes under the pool's lock
     * @param publisher syncs the pool afterwards
     */
    public ChildChanges(Engine engine, Mutations mutations, TreePublisher publisher) {
        this.engine = engine;
        this.mutations = mutations;
        this.publisher = publisher;
    }

    /** A change to one child of a pool. */
    @FunctionalInterface
    public interface Change<T> {
        /**
         * Applies the change.
         *
         * @param pool  the owning pool
         * @param child the child's UUID
         * @return the result
         * @throws EngineException if the engine refuses
         */
        T apply(UUID pool, UUID child) throws EngineException;
    }

    /** A change with no result, as a property setter makes it. */
    @FunctionalInterface
    public interface Setting {
        /**
         * Applies the setting.
         *
         * @param pool  the owning pool
         * @param child the child's UUID
         * @throws EngineException if the engine refuses
         */
        void apply(UUID pool, UUID child) throws EngineException;
    }

    /**
     * Runs a change on the child at {@code path} and syncs its pool.
     *
     * @param path   the child's object path
     * @param kind   filesystem or block device
     * @param change the change
     * @param <T>    its result type
     * @return its result
     * @throws EngineException if the path names no such child, or the engine refuses
     */
    public <T> T change(String path, ObjectKind kind, Change<T> change) throws EngineException {
        ObjectRegistry.Entry entry = publisher.entry(path).filter(e -> e.kind() == kind)
                .orElseThrow(() -> new EngineException("No object associated with path " + path));
        UUID pool = publisher.resolve(entry.parent(), ObjectKind.POOL)
                .orElseThrow(() -> new EngineException("No pool associated with object path " + entry.parent()));
        return mutations.onPool(pool, updates -> {
            T result = change.apply(pool, entry.uuid());
            updates.addAll(publisher.syncPool(pool, engine.pool(pool), Set.of()).updates());
            return result;
        });
    }

    /**
     * Runs a property setter's change; an engine refusal becomes a {@code Failed} D-Bus error.
     *
     * @param path    the child's object path
     * @param kind    filesystem or block device
     * @param setting the change
     * @throws DbusErrorReply if the engine refuses
     */
    public void set(String path, ObjectKind kind, Setting setting) throws DbusErrorReply {
        try {
            change(path, kind, (pool, child) -> {
                setting.apply(pool, child);
                return null;
            });
        } catch (EngineException e) {
            throw new DbusErrorReply(DbusErrors.FAILED, e.getMessage());
        }
    }

    /**
     * The reply of a rename-like method ({@code SetName}, {@code SetUserInfo}): changed with the
     * child's UUID, unchanged with the nil UUID, or a failure when the child is gone.
     *
     * @param path            the child's object path
     * @param kind            filesystem or block device
     * @param change          the rename
     * @param noSourceMessage the message before the UUID when the engine has no such child
     * @return the method's output values
     */
    public Object[] rename(String path, ObjectKind kind, Change<RenameAction> change, String noSourceMessage) {
        UUID[] child = new UUID[1];
        try {
            RenameAction action = change(path, kind, (pool, uuid) -> {
                child[0] = uuid;
                return change.apply(pool, uuid);
            });
            return switch (action) {
                case RenameAction.Renamed renamed -> Results.ok(Results.struct(true, Values.simple(child[0])));
                case RenameAction.Identity identity -> Results.ok(NOT_CHANGED);
                case RenameAction.NoSource noSource -> Results.failed(NOT_CHANGED, noSourceMessage + child[0]);
            };
        } catch (EngineException e) {
            return Results.failed(NOT_CHANGED, e.getMessage());
        }
    }
}
