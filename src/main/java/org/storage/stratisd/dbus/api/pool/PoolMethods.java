package org.storage.stratisd.dbus.api.pool;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.types.UInt64;
import org.storage.stratisd.dbus.api.DbusErrorReply;
import org.storage.stratisd.dbus.api.DbusErrors;
import org.storage.stratisd.dbus.api.common.Args;
import org.storage.stratisd.dbus.api.common.Mutations;
import org.storage.stratisd.dbus.api.common.Results;
import org.storage.stratisd.dbus.api.common.Setters;
import org.storage.stratisd.dbus.api.common.Values;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.dbus.publish.TreePublisher;
import org.storage.stratisd.engine.Actions.DestroyFilesystemsAction;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.Actions.SnapshotAction;
import org.storage.stratisd.engine.EncryptionRequest;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.FilesystemSpec;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.tree.TreeObject;

/**
 * The behaviour of the pool methods and pool property setters, shared by every revision. Every
 * change ends with a sync of the pool, which publishes new objects, removes vanished ones and
 * signals changed properties.
 */
final class PoolMethods {

    private static final Object[] NO_FILESYSTEMS = Results.struct(false, List.of());

    private final Engine engine;
    private final Mutations mutations;
    private final TreePublisher publisher;
    private final DbusTree tree;

    PoolMethods(Engine engine, Mutations mutations, TreePublisher publisher, DbusTree tree) {
        this.engine = engine;
        this.mutations = mutations;
        this.publisher = publisher;
        this.tree = tree;
    }

    /** A pool change that returns a result; the pool is synced after it. */
    private interface PoolChange<T> {
        T apply(UUID pool) throws EngineException;
    }

    private <T> T change(MethodCall call, PoolChange<T> change, Set<String> forced) throws EngineException {
        UUID pool = poolOf(call.getPath());
        return mutations.onPool(pool, updates -> {
            T result = change.apply(pool);
            updates.addAll(publisher.syncPool(pool, engine.pool(pool), forced).updates());
            return result;
        });
    }

    /** The pool a path names; the tree has it, since the call was routed to it. */
    private UUID poolOf(String path) throws EngineException {
        return tree.get(path).map(TreeObject::uuid)
                .orElseThrow(() -> new EngineException("No pool associated with object path " + path));
    }

    // ---- filesystems

    Object[] createFilesystems(MethodCall call, Object[] args) {
        List<?> specs = (List<?>) args[0];
        if (specs.size() > 1) {
            return Results.failed(NO_FILESYSTEMS, "Currently filesystem creation is limited to one filesystem at a time");
        }
        try {
            List<FilesystemSpec> decoded = new ArrayList<>();
            for (Object entry : specs) {
                Object[] spec = (Object[]) entry;
                Optional<BigInteger> size = size(spec[1], "Could not parse filesystem size string %s to integer value");
                Optional<BigInteger> limit = spec.length > 2
                        ? size(spec[2], "Could not parse filesystem size limit string %s to integer value")
                        : Optional.empty();
                decoded.add(new FilesystemSpec((String) spec[0], size, limit));
            }
            if (decoded.isEmpty()) {
                return Results.ok(NO_FILESYSTEMS);
            }
            UUID pool = poolOf(call.getPath());
            List<Object[]> created = mutations.onPool(pool, updates -> {
                List<FilesystemView> views = engine.createFilesystems(pool, decoded);
                TreePublisher.Sync sync = publisher.syncPool(pool, engine.pool(pool), Set.of());
                updates.addAll(sync.updates());
                return views.stream().map(f -> Results.struct(Results.path(sync.addedPath(f.uuid()).orElseThrow()), f.name())).toList();
            });
            return Results.ok(created.isEmpty() ? NO_FILESYSTEMS : Results.struct(true, created));
        } catch (EngineException e) {
            return Results.failed(NO_FILESYSTEMS, e.getMessage());
        }
    }

    /** A {@code (bs)} size option, parsed as unsigned 128-bit decimal. */
    private static Optional<BigInteger> size(Object option, String message) throws EngineException {
        Optional<Object> text = Args.option(option);
        return text.isEmpty() ? Optional.empty() : Optional.of(Args.u128((String) text.get(), message.formatted(text.get())));
    }

    Object[] destroyFilesystems(MethodCall call, Object[] args) {
        Set<UUID> uuids = new LinkedHashSet<>();
        for (String path : Args.paths(args[0])) {
            publisher.resolve(path, ObjectKind.FILESYSTEM).ifPresent(uuids::add);
        }
        try {
            DestroyFilesystemsAction action = change(call, pool -> engine.destroyFilesystems(pool, uuids), Set.of());
            List<String> destroyed = action.destroyed().stream().map(Values::simple).toList();
            return Results.ok(destroyed.isEmpty() ? NO_FILESYSTEMS : Results.struct(true, destroyed));
        } catch (EngineException e) {
            return Results.failed(NO_FILESYSTEMS, e.getMessage());
        }
    }

    Object[] snapshotFilesystem(MethodCall call, Object[] args) {
        String originPath = Args.path(args[0]);
        Object[] none = Results.struct(false, Results.path(ObjectPaths.NONE));
        Optional<UUID> origin = publisher.resolve(originPath, ObjectKind.FILESYSTEM);
        if (origin.isEmpty()) {
            return Results.failed(none, "No filesystem UUID associated with path " + originPath);
        }
        try {
            UUID pool = poolOf(call.getPath());
            Optional<String> path = mutations.onPool(pool, updates -> {
                SnapshotAction action = engine.snapshotFilesystem(pool, origin.get(), Args.string(args[1]));
                TreePublisher.Sync sync = publisher.syncPool(pool, engine.pool(pool), Set.of());
                updates.addAll(sync.updates());
                return action instanceof SnapshotAction.Created created ? sync.addedPath(created.snapshot().uuid()) : Optional.empty();
            });
            return Results.ok(path.isEmpty() ? none : Results.struct(true, Results.path(path.get())));
        } catch (EngineException e) {
            return Results.failed(none, e.getMessage());
        }
    }

    // ---- devices

    Object[] addDataDevs(MethodCall call, Object[] args) {
        return devices(call, pool -> engine.addDataDevices(pool, Args.strings(args[0])), Set.of());
    }

    /** r0 to r4: an encrypted pool may not have a cache. */
    Object[] initCache(MethodCall call, Object[] args) {
        return devices(call, pool -> engine.initCache(pool, Args.strings(args[0]), false), Set.of());
    }

    Object[] initCacheAllowingEncrypted(MethodCall call, Object[] args) {
        return devices(call, pool -> engine.initCache(pool, Args.strings(args[0]), true), Set.of());
    }

    Object[] addCacheDevs(MethodCall call, Object[] args) {
        return devices(call, pool -> engine.addCacheDevices(pool, Args.strings(args[0])), Set.of());
    }

    private Object[] devices(MethodCall call, PoolChange<List<BlockdevView>> change, Set<String> forced) {
        Object[] none = Results.struct(false, List.of());
        try {
            UUID pool = poolOf(call.getPath());
            List<String> paths = mutations.onPool(pool, updates -> {
                List<BlockdevView> added = change.apply(pool);
                TreePublisher.Sync sync = publisher.syncPool(pool, engine.pool(pool), forced);
                updates.addAll(sync.updates());
                return added.stream().map(d -> sync.addedPath(d.uuid()).orElseThrow()).toList();
            });
            return Results.ok(paths.isEmpty() ? none : Results.struct(true, Results.paths(paths)));
        } catch (EngineException e) {
            return Results.failed(none, e.getMessage());
        }
    }

    Object[] growPhysicalDevice(MethodCall call, Object[] args) {
        try {
            UUID device = Args.uuid(Args.string(args[0]));
            return Results.ok(change(call, pool -> engine.growPhysicalDevice(pool, device), Set.of()));
        } catch (EngineException e) {
            return Results.failed(false, e.getMessage());
        }
    }

    // ---- name

    Object[] setName(MethodCall call, Object[] args) {
        Object[] none = Results.struct(false, "");
        try {
            UUID pool = poolOf(call.getPath());
            RenameAction action = mutations.onAll(updates -> {
                RenameAction result = engine.renamePool(pool, Args.string(args[0]));
                updates.addAll(publisher.syncPool(pool, engine.pool(pool), Set.of()).updates());
                return result;
            });
            return switch (action) {
                case RenameAction.Renamed renamed -> Results.ok(Results.struct(true, Values.simple(pool)));
                case RenameAction.Identity identity -> Results.ok(none);
                case RenameAction.NoSource noSource -> Results.failed(none, "engine doesn't know about pool " + pool);
            };
        } catch (EngineException e) {
            return Results.failed(none, e.getMessage());
        }
    }

    // ---- encryption

    Object[] bindKeyring(MethodCall call, Object[] args) {
        return bool(call, pool -> engine.bindKeyring(pool, Args.string(args[0]), Args.slot(args[1]), false));
    }

    Object[] bindKeyringLegacy(MethodCall call, Object[] args) {
        return bool(call, pool -> engine.bindKeyring(pool, Args.string(args[0]), Optional.empty(), true));
    }

    Object[] bindClevis(MethodCall call, Object[] args) {
        return bool(call, pool -> engine.bindClevis(pool, Args.string(args[0]), Args.clevisConfig(Args.string(args[1])),
                Args.slot(args[2]), false));
    }

    Object[] bindClevisLegacy(MethodCall call, Object[] args) {
        return bool(call, pool -> engine.bindClevis(pool, Args.string(args[0]), Args.clevisConfig(Args.string(args[1])),
                Optional.empty(), true));
    }

    Object[] unbindKeyring(MethodCall call, Object[] args) {
        return bool(call, pool -> engine.unbindKeyring(pool, Args.slot(args[0])));
    }

    Object[] unbindKeyringLegacy(MethodCall call, Object[] args) {
        return bool(call, pool -> engine.unbindKeyring(pool, Optional.empty()));
    }

    Object[] unbindClevis(MethodCall call, Object[] args) {
        return bool(call, pool -> engine.unbindClevis(pool, Args.slot(args[0])));
    }

    Object[] unbindClevisLegacy(MethodCall call, Object[] args) {
        return bool(call, pool -> engine.unbindClevis(pool, Optional.empty()));
    }

    Object[] rebindKeyring(MethodCall call, Object[] args) {
        return bool(call, pool -> engine.rebindKeyring(pool, Args.string(args[0]), Args.slot(args[1])));
    }

    Object[] rebindKeyringLegacy(MethodCall call, Object[] args) {
        return bool(call, pool -> engine.rebindKeyring(pool, Args.string(args[0]), Optional.empty()));
    }

    /** Always true on success: nothing stored changes, the binding is renewed. */
    Object[] rebindClevis(MethodCall call, Object[] args) {
        return bool(call, pool -> {
            engine.rebindClevis(pool, Args.slot(args[0]));
            return true;
        });
    }

    Object[] rebindClevisLegacy(MethodCall call, Object[] args) {
        return bool(call, pool -> {
            engine.rebindClevis(pool, Optional.empty());
            return true;
        });
    }

    Object[] encryptPool(MethodCall call, Object[] args) {
        if (((List<?>) args[0]).isEmpty() && ((List<?>) args[1]).isEmpty()) {
            return Results.failed(false, "No unlock methods provided");
        }
        return bool(call, pool -> {
            EncryptionRequest request = Args.encryption(args[0], args[1]);
            return engine.encryptPool(pool, request);
        });
    }

    Object[] reencryptPool(MethodCall call, Object[] args) {
        return bool(call, pool -> {
            engine.reencryptPool(pool);
            return true;
        });
    }

    Object[] decryptPool(MethodCall call, Object[] args) {
        return bool(call, engine::decryptPool);
    }

    private Object[] bool(MethodCall call, PoolChange<Boolean> change) {
        try {
            return Results.ok(change(call, change, Set.of()));
        } catch (EngineException e) {
            return Results.failed(false, e.getMessage());
        }
    }

    // ---- metadata

    Object[] metadata(MethodCall call, Object[] args) {
        try {
            UUID pool = poolOf(call.getPath());
            return Results.ok(mutations.readPool(pool, () -> engine.poolMetadata(pool, Args.bool(args[0]))));
        } catch (EngineException e) {
            return Results.failed("", e.getMessage());
        }
    }

    Object[] filesystemMetadata(MethodCall call, Object[] args) {
        try {
            UUID pool = poolOf(call.getPath());
            Optional<String> name = Args.option(args[0]).map(String.class::cast);
            return Results.ok(mutations.readPool(pool, () -> engine.filesystemMetadata(pool, name, Args.bool(args[1]))));
        } catch (EngineException e) {
            return Results.failed("", e.getMessage());
        }
    }

    // ---- property setters

    /**
     * The pool's writable properties.
     *
     * @return setters by property name
     */
    Setters setters() {
        return Setters.of(Map.of(
                "FsLimit", (path, value) -> set(path, pool -> engine.setFsLimit(pool, ((UInt64) value).longValue()), Set.of()),
                "Overprovisioning", (path, value) ->
                        set(path, pool -> engine.setOverprovisioning(pool, (Boolean) value), Set.of("Overprovisioning"))));
    }

    /** A setting change with no result. */
    private interface PoolSetting {
        void apply(UUID pool) throws EngineException;
    }

    private void set(String path, PoolSetting setting, Set<String> forced) throws DbusErrorReply {
        try {
            UUID pool = poolOf(path);
            mutations.onPool(pool, updates -> {
                setting.apply(pool);
                updates.addAll(publisher.syncPool(pool, engine.pool(pool), forced).updates());
                return null;
            });
        } catch (EngineException e) {
            throw new DbusErrorReply(DbusErrors.FAILED, e.getMessage());
        }
    }
}
