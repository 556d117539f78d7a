package org.storage.stratisd.dbus;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.freedesktop.dbus.messages.MethodCall;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.tree.ObjectKind;

/**
 * The behaviour of the filesystem and blockdev methods and setters: each acts on the object's
 * owning pool and ends with a sync of that pool.
 */
final class FilesystemMethods {

    /** The {@code (false, nil UUID)} payload of a rename that changed nothing. */
    private static final Object[] NOT_CHANGED = Results.struct(false, Values.NIL_UUID);

    private final Engine engine;
    private final Mutations mutations;
    private final TreePublisher publisher;

    FilesystemMethods(Engine engine, Mutations mutations, TreePublisher publisher) {
        this.engine = engine;
        this.mutations = mutations;
        this.publisher = publisher;
    }

    /** A change to one object of a pool. */
    private interface ObjectChange<T> {
        T apply(UUID pool, UUID object) throws EngineException;
    }

    /** Runs a change on the object at {@code path} and syncs its pool. */
    private <T> T change(String path, ObjectKind kind, ObjectChange<T> change) throws EngineException {
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

    /** Filesystem {@code SetName}. */
    Object[] setName(MethodCall call, Object[] args) {
        try {
            String name = Args.string(args[0]);
            UUID[] fs = new UUID[1];
            RenameAction action = change(call.getPath(), ObjectKind.FILESYSTEM, (pool, uuid) -> {
                fs[0] = uuid;
                return engine.renameFilesystem(pool, uuid, name);
            });
            return renameResult(action, fs[0], "pool doesn't know about filesystem ");
        } catch (EngineException e) {
            return Results.failed(NOT_CHANGED, e.getMessage());
        }
    }

    /** Blockdev {@code SetUserInfo} of r0 to r2. */
    Object[] setUserInfo(MethodCall call, Object[] args) {
        try {
            Optional<String> info = Args.option(args[0]).map(String.class::cast);
            UUID[] dev = new UUID[1];
            RenameAction action = change(call.getPath(), ObjectKind.BLOCKDEV, (pool, uuid) -> {
                dev[0] = uuid;
                return engine.setUserInfo(pool, uuid, info);
            });
            return renameResult(action, dev[0], "pool doesn't know about block device ");
        } catch (EngineException e) {
            return Results.failed(NOT_CHANGED, e.getMessage());
        }
    }

    /** {@code (changed, UUID)}: the object's UUID when changed, the nil UUID otherwise. */
    private static Object[] renameResult(RenameAction action, UUID uuid, String noSourceMessage) {
        return switch (action) {
            case RenameAction.Renamed renamed -> Results.ok(Results.struct(true, Values.simple(uuid)));
            case RenameAction.Identity identity -> Results.ok(NOT_CHANGED);
            case RenameAction.NoSource noSource -> Results.failed(NOT_CHANGED, noSourceMessage + uuid);
        };
    }

    /**
     * The filesystem's writable properties.
     *
     * @return setters by property name
     */
    Setters filesystemSetters() {
        return Setters.of(Map.of(
                "SizeLimit", (path, value) -> set(path, ObjectKind.FILESYSTEM, (pool, fs) -> {
                    Optional<Object> limit = Args.option(value);
                    Optional<BigInteger> bytes = limit.isEmpty() ? Optional.empty() : Optional.of(unsigned((String) limit.get()));
                    engine.setSizeLimit(pool, fs, bytes);
                }),
                "MergeScheduled", (path, value) -> set(path, ObjectKind.FILESYSTEM,
                        (pool, fs) -> engine.setMergeScheduled(pool, fs, (Boolean) value))));
    }

    /**
     * The block device's writable properties (r3 on).
     *
     * @return setters by property name
     */
    Setters blockdevSetters() {
        return Setters.of(Map.of("UserInfo", (path, value) -> set(path, ObjectKind.BLOCKDEV, (pool, dev) -> {
            RenameAction action = engine.setUserInfo(pool, dev, Args.option(value).map(String.class::cast));
            if (action instanceof RenameAction.NoSource) {
                throw new EngineException("Blockdev with UUID " + dev + " not found");
            }
        })));
    }

    /** A setting change with no result. */
    private interface Setting {
        void apply(UUID pool, UUID object) throws EngineException;
    }

    private void set(String path, ObjectKind kind, Setting setting) throws DbusErrorReply {
        try {
            change(path, kind, (pool, object) -> {
                setting.apply(pool, object);
                return null;
            });
        } catch (EngineException e) {
            throw new DbusErrorReply(DbusErrors.FAILED, e.getMessage());
        }
    }

    /** Parses a size limit as upstream's u128 parse does, with its messages. */
    private static BigInteger unsigned(String text) throws EngineException {
        String reason;
        if (text.isEmpty()) {
            reason = "cannot parse integer from empty string";
        } else if (!text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            reason = "invalid digit found in string";
        } else if (new BigInteger(text).bitLength() > 128) {
            reason = "number too large to fit in target type";
        } else {
            return new BigInteger(text);
        }
        throw new EngineException("Failed to parse " + text + " as unsigned integer: " + reason);
    }
}
