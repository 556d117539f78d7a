package org.storage.stratisd.dbus.api.manager;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.freedesktop.dbus.FileDescriptor;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.types.UInt16;
import org.storage.stratisd.dbus.api.common.Args;
import org.storage.stratisd.dbus.api.common.Mutations;
import org.storage.stratisd.dbus.api.common.Results;
import org.storage.stratisd.dbus.api.common.Values;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.dbus.publish.TreePublisher;
import org.storage.stratisd.engine.Actions.SetKeyAction;
import org.storage.stratisd.engine.Actions.StartPoolAction;
import org.storage.stratisd.engine.Actions.StopPoolAction;
import org.storage.stratisd.engine.CreatePoolAction;
import org.storage.stratisd.engine.CreatePoolRequest;
import org.storage.stratisd.engine.DestroyPoolAction;
import org.storage.stratisd.engine.EncryptionRequest;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.PoolId;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.StoppedPoolView;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * The behaviour of the Manager and Report methods, shared by every revision; each revision
 * differs only in how its arguments decode into the same engine request.
 */
final class ManagerMethods {

    private static final Set<String> TAG_SPECS = Set.of("0b", "32b", "512b");
    private static final Object[] NO_POOL = Results.struct(false, Results.struct(Results.path(ObjectPaths.NONE), List.of()));
    private static final Object[] NOT_STARTED =
            Results.struct(false, Results.struct(Results.path(ObjectPaths.NONE), List.of(), List.of()));
    private static final Object[] NOT_STOPPED = Results.struct(false, "");

    private final Engine engine;
    private final Mutations mutations;
    private final TreePublisher publisher;

    ManagerMethods(Engine engine, Mutations mutations, TreePublisher publisher) {
        this.engine = engine;
        this.mutations = mutations;
        this.publisher = publisher;
    }

    // ---- CreatePool and DestroyPool

    Object[] createPoolR8(MethodCall call, Object[] args) {
        try {
            EncryptionRequest encryption = Args.encryption(args[2], args[3]);
            Optional<String> tag = Args.option(args[5]).map(String.class::cast);
            if (tag.isPresent() && !TAG_SPECS.contains(tag.get())) {
                throw new EngineException("Failed to parse integrity tag specification: Matching variant not found");
            }
            return createPool(new CreatePoolRequest(Args.string(args[0]), Args.strings(args[1]), encryption,
                    Args.u64Option(args[4]), tag, Args.option(args[6]).map(Boolean.class::cast)));
        } catch (EngineException e) {
            return Results.failed(NO_POOL, e.getMessage());
        }
    }

    Object[] createPoolR5(MethodCall call, Object[] args) {
        return createPoolLegacy(Args.string(args[0]), Args.strings(args[1]), args[2], args[3]);
    }

    /** The redundancy argument of r0 to r4 is ignored, as upstream does. */
    Object[] createPoolR0(MethodCall call, Object[] args) {
        return createPoolLegacy(Args.string(args[0]), Args.strings(args[2]), args[3], args[4]);
    }

    private Object[] createPoolLegacy(String name, List<String> devices, Object keyDesc, Object clevis) {
        try {
            return createPool(new CreatePoolRequest(name, devices, Args.legacyEncryption(keyDesc, clevis),
                    Optional.empty(), Optional.empty(), Optional.empty()));
        } catch (EngineException e) {
            return Results.failed(NO_POOL, e.getMessage());
        }
    }

    private Object[] createPool(CreatePoolRequest request) throws EngineException {
        TreePublisher.Sync sync = mutations.onAll(updates -> {
            if (!(engine.createPool(request) instanceof CreatePoolAction.Created created)) {
                return null;
            }
            return publish(created.pool(), updates);
        });
        if (sync == null) {
            return Results.ok(NO_POOL);
        }
        return Results.ok(Results.struct(true, Results.struct(Results.path(sync.poolPath()),
                Results.paths(sync.addedPaths(ObjectKind.BLOCKDEV)))));
    }

    Object[] destroyPool(MethodCall call, Object[] args) {
        String poolPath = Args.path(args[0]);
        Optional<UUID> uuid = publisher.resolve(poolPath, ObjectKind.POOL);
        if (uuid.isEmpty()) {
            return Results.failed(NOT_STOPPED, "Object path " + poolPath + " not associated with pool");
        }
        try {
            DestroyPoolAction action = mutations.onAll(updates -> {
                DestroyPoolAction result = engine.destroyPool(uuid.get());
                if (result instanceof DestroyPoolAction.Deleted) {
                    updates.addAll(publisher.syncPool(uuid.get(), Optional.empty(), Set.of()).updates());
                }
                return result;
            });
            return switch (action) {
                case DestroyPoolAction.Deleted deleted -> Results.ok(Results.struct(true, Values.simple(deleted.uuid())));
                case DestroyPoolAction.Identity identity -> Results.ok(NOT_STOPPED);
            };
        } catch (EngineException e) {
            return Results.failed(NOT_STOPPED, e.getMessage());
        }
    }

    // ---- StartPool and StopPool

    Object[] startPoolR9(MethodCall call, Object[] args) {
        return startPool(args[0], args[1], () -> modernUnlock(args[2]), Args.option(args[3]), Args.bool(args[4]));
    }

    Object[] startPoolR8(MethodCall call, Object[] args) {
        return startPool(args[0], args[1], () -> modernUnlock(args[2]), Args.option(args[3]), false);
    }

    Object[] startPoolR4(MethodCall call, Object[] args) {
        return startPool(args[0], args[1], () -> legacyUnlock(args[2]), Optional.empty(), false);
    }

    Object[] startPoolR2(MethodCall call, Object[] args) {
        return startPool(args[0], "uuid", () -> legacyUnlock(args[1]), Optional.empty(), false);
    }

    private interface UnlockDecoder {
        Optional<Optional<Long>> decode() throws EngineException;
    }

    /**
     * Starts a pool; a passphrase descriptor is read (upstream's 64-byte rule) before the engine
     * is called, and the bytes are cleared when the call returns, whatever its outcome.
     */
    private Object[] startPool(Object id, Object idType, UnlockDecoder unlock, Optional<Object> keyFd, boolean removeCache) {
        Optional<byte[]> passphrase = Optional.empty();
        try {
            PoolId poolId = poolId(Args.string(id), Args.string(idType));
            Optional<Optional<Long>> unlockMethod = unlock.decode();
            if (keyFd.isPresent()) {
                passphrase = Optional.of(KeyReader.read((FileDescriptor) keyFd.get()));
            }
            Optional<byte[]> given = passphrase;
            TreePublisher.Sync sync = mutations.onAll(updates -> {
                if (!(engine.startPool(poolId, unlockMethod, given, removeCache) instanceof StartPoolAction.Started started)) {
                    return null;
                }
                TreePublisher.Sync published = publish(started.pool(), updates);
                updates.add(rootRefresh(started.pool().encrypted()));
                return published;
            });
            if (sync == null) {
                return Results.ok(NOT_STARTED);
            }
            return Results.ok(Results.struct(true, Results.struct(Results.path(sync.poolPath()),
                    Results.paths(sync.addedPaths(ObjectKind.BLOCKDEV)), Results.paths(sync.addedPaths(ObjectKind.FILESYSTEM)))));
        } catch (EngineException e) {
            return Results.failed(NOT_STARTED, e.getMessage());
        } finally {
            passphrase.ifPresent(p -> Arrays.fill(p, (byte) 0));
        }
    }

    Object[] stopPool(MethodCall call, Object[] args) {
        try {
            return stopPool(poolId(Args.string(args[0]), Args.string(args[1])));
        } catch (EngineException e) {
            return Results.failed(NOT_STOPPED, e.getMessage());
        }
    }

    Object[] stopPoolByPath(MethodCall call, Object[] args) {
        String poolPath = Args.path(args[0]);
        Optional<UUID> uuid = publisher.resolve(poolPath, ObjectKind.POOL);
        if (uuid.isEmpty()) {
            return Results.failed(NOT_STOPPED, "No pool found in engine associated with object path " + poolPath);
        }
        try {
            return stopPool(new PoolId.ByUuid(uuid.get()));
        } catch (EngineException e) {
            return Results.failed(NOT_STOPPED, e.getMessage());
        }
    }

    private Object[] stopPool(PoolId id) throws EngineException {
        StopPoolAction action = mutations.onAll(updates -> {
            StopPoolAction result = engine.stopPool(id);
            if (result instanceof StopPoolAction.Stopped stopped) {
                updates.addAll(publisher.syncPool(stopped.uuid(), Optional.empty(), Set.of()).updates());
                updates.add(rootRefresh(stopped.encrypted()));
            }
            return result;
        });
        return switch (action) {
            case StopPoolAction.Stopped stopped -> Results.ok(Results.struct(true, Values.simple(stopped.uuid())));
            case StopPoolAction.Identity identity -> Results.ok(NOT_STOPPED);
        };
    }

    /** r0 and r1: the simulator's pools are never locked, so every well-formed request succeeds. */
    Object[] unlockPool(MethodCall call, Object[] args) {
        try {
            Args.uuid(Args.string(args[0]));
            legacyUnlockName(Args.string(args[1]));
            mutations.onAll(updates -> {
                updates.add(rootRefresh(true));
                return null;
            });
            return Results.ok(Results.struct(true, List.of()));
        } catch (EngineException e) {
            return Results.failed(Results.struct(false, List.of()), e.getMessage());
        }
    }

    Object[] refreshState(MethodCall call, Object[] args) {
        return new Object[] {new UInt16(0), Results.OK};
    }

    // ---- keys

    Object[] listKeys(MethodCall call, Object[] args) {
        try {
            return Results.ok(engine.listKeys());
        } catch (EngineException e) {
            return Results.failed(List.of(), e.getMessage());
        }
    }

    Object[] setKey(MethodCall call, Object[] args) {
        try {
            byte[] key = KeyReader.read((FileDescriptor) args[1]);
            SetKeyAction action;
            try {
                action = engine.setKey(Args.string(args[0]), key);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
            return Results.ok(switch (action) {
                case CREATED -> Results.struct(true, false);
                case VALUE_CHANGED -> Results.struct(true, true);
                case IDENTITY -> Results.struct(false, false);
            });
        } catch (EngineException e) {
            return Results.failed(Results.struct(false, false), e.getMessage());
        }
    }

    Object[] unsetKey(MethodCall call, Object[] args) {
        try {
            return Results.ok(engine.unsetKey(Args.string(args[0])));
        } catch (EngineException e) {
            return Results.failed(false, e.getMessage());
        }
    }

    // ---- reports

    Object[] engineStateReport(MethodCall call, Object[] args) {
        try {
            return Results.ok(mutations.readAll(engine::engineStateReport));
        } catch (EngineException e) {
            return Results.failed("", e.getMessage());
        }
    }

    // ---- helpers

    private TreePublisher.Sync publish(PoolView pool, List<TreeUpdate> updates) {
        TreePublisher.Sync sync = publisher.syncPool(pool.uuid(), Optional.of(pool), Set.of());
        updates.addAll(sync.updates());
        return sync;
    }

    private TreeUpdate rootRefresh(boolean lockedPoolsChanged) {
        List<StoppedPoolView> stopped = engine.stoppedPools();
        return publisher.refreshRoot(ManagerInterfaces.values(engine.version(), stopped), stopped,
                lockedPoolsChanged ? Set.of("LockedPools") : Set.of());
    }

    private static PoolId poolId(String id, String idType) throws EngineException {
        return switch (idType) {
            case "uuid" -> new PoolId.ByUuid(Args.uuid(id));
            case "name" -> new PoolId.ByName(id);
            default -> throw new EngineException("ID type " + idType + " not recognized");
        };
    }

    /** {@code (b(bu))}: none, any token slot, or one slot. */
    private static Optional<Optional<Long>> modernUnlock(Object arg) {
        return Args.option(arg).map(Args::slot);
    }

    /** {@code (bs)} with the 3.8 strings: keyring is slot 1, clevis slot 2, any is any slot. */
    private static Optional<Optional<Long>> legacyUnlock(Object arg) throws EngineException {
        Optional<Object> method = Args.option(arg);
        if (method.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(legacyUnlockName((String) method.get()));
    }

    private static Optional<Long> legacyUnlockName(String method) throws EngineException {
        return switch (method) {
            case "keyring" -> Optional.of(1L);
            case "clevis" -> Optional.of(2L);
            case "any" -> Optional.empty();
            default -> throw new EngineException(method + " is an invalid unlock method");
        };
    }
}
