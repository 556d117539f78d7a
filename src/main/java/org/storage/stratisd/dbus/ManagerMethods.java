package org.storage.stratisd.dbus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.storage.stratisd.engine.CreatePoolAction;
import org.storage.stratisd.engine.CreatePoolRequest;
import org.storage.stratisd.engine.CreatePoolRequest.KeyBinding;
import org.storage.stratisd.engine.DestroyPoolAction;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.lock.EngineLock;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.ObjectKind;

/**
 * The behaviour of the Manager methods, shared by every revision; each revision differs only in
 * how its arguments decode into the same request.
 *
 * <p>Every mutating method follows the same steps: resolve object paths from the tree (read lock
 * only for that), take the engine lock, call the engine, post the tree updates its result implies
 * while still holding the engine lock (so updates reach the channel in engine order), release the
 * lock, wait until the tree handler applied them, then reply, so the caller reads its own write.
 */
final class ManagerMethods {

    private static final String OK = "Ok";
    private static final Set<String> TAG_SPECS = Set.of("0b", "32b", "512b");
    /** Token slots the legacy single-binding arguments map to. */
    private static final long LEGACY_KEY_SLOT = 1;
    /** Clevis needs the encryption part of the full API; until then it is refused, not ignored. */
    private static final String CLEVIS_UNSUPPORTED =
            "Clevis bindings are not supported by this daemon yet; create the pool with a key description";

    private final Engine engine;
    private final EngineLock engineLock;
    private final DbusChannel channel;
    private final TreePublisher publisher;

    ManagerMethods(Engine engine, EngineLock engineLock, DbusChannel channel, TreePublisher publisher) {
        this.engine = engine;
        this.engineLock = engineLock;
        this.channel = channel;
        this.publisher = publisher;
    }

    /** {@code CreatePool} of r8 and r9: {@code sasa((bu)s)a((bu)ss)(bt)(bs)(bb)}. */
    Object[] createPoolR8(MethodCall call, Object[] args) {
        String name = (String) args[0];
        List<String> devices = strings(args[1]);
        List<KeyBinding> keys = new ArrayList<>();
        Set<Long> explicitSlots = new HashSet<>();
        for (Object entry : (List<?>) args[2]) {
            Object[] keyDesc = (Object[]) entry;
            Optional<Long> slot = optionalSlot((Object[]) keyDesc[0]);
            if (slot.isPresent() && !explicitSlots.add(slot.get())) {
                return createPoolFailure("Token slot " + slot.get() + " already taken");
            }
            keys.add(new KeyBinding(slot, (String) keyDesc[1]));
        }
        for (Object entry : (List<?>) args[3]) {
            Optional<Long> slot = optionalSlot((Object[]) ((Object[]) entry)[0]);
            if (slot.isPresent() && !explicitSlots.add(slot.get())) {
                return createPoolFailure("Token slot " + slot.get() + " already taken");
            }
        }
        if (!((List<?>) args[3]).isEmpty()) {
            return createPoolFailure(CLEVIS_UNSUPPORTED);
        }
        Object[] journal = (Object[]) args[4];
        Object[] tag = (Object[]) args[5];
        if ((Boolean) tag[0] && !TAG_SPECS.contains((String) tag[1])) {
            return createPoolFailure("Failed to parse integrity tag specification: Matching variant not found");
        }
        Optional<Long> journalBytes = (Boolean) journal[0] ? Optional.of(((UInt64) journal[1]).longValue()) : Optional.empty();
        return createPool(new CreatePoolRequest(name, devices, keys, journalBytes));
    }

    /** {@code CreatePool} of r5 to r7: {@code sas(bs)(b(ss))}. */
    Object[] createPoolR5(MethodCall call, Object[] args) {
        return createPoolLegacy((String) args[0], strings(args[1]), (Object[]) args[2], (Object[]) args[3]);
    }

    /** {@code CreatePool} of r0 to r4: {@code s(bq)as(bs)(b(ss))}; the redundancy is ignored. */
    Object[] createPoolR0(MethodCall call, Object[] args) {
        return createPoolLegacy((String) args[0], strings(args[2]), (Object[]) args[3], (Object[]) args[4]);
    }

    /** {@code DestroyPool(o)}, the same in every revision. */
    Object[] destroyPool(MethodCall call, Object[] args) {
        String poolPath = ((DBusPath) args[0]).getPath();
        Optional<UUID> uuid = publisher.resolve(poolPath, ObjectKind.POOL);
        if (uuid.isEmpty()) {
            return destroyPoolReply(false, "", 1, "Object path " + poolPath + " not associated with pool");
        }
        DestroyPoolAction action;
        CompletableFuture<Void> applied;
        try (EngineLock.Guard guard = engineLock.write()) {
            action = engine.destroyPool(uuid.get());
            applied = switch (action) {
                case DestroyPoolAction.Deleted deleted -> channel.send(publisher.removePool(poolPath));
                case DestroyPoolAction.Identity identity -> CompletableFuture.completedFuture(null);
            };
        } catch (EngineException e) {
            return destroyPoolReply(false, "", 1, e.getMessage());
        }
        applied.join();
        return switch (action) {
            case DestroyPoolAction.Deleted deleted -> destroyPoolReply(true, Values.simple(deleted.uuid()), 0, OK);
            case DestroyPoolAction.Identity identity -> destroyPoolReply(false, "", 0, OK);
        };
    }

    private Object[] createPoolLegacy(String name, List<String> devices, Object[] keyDesc, Object[] clevis) {
        if ((Boolean) clevis[0]) {
            return createPoolFailure(CLEVIS_UNSUPPORTED);
        }
        List<KeyBinding> keys = (Boolean) keyDesc[0]
                ? List.of(new KeyBinding(Optional.of(LEGACY_KEY_SLOT), (String) keyDesc[1]))
                : List.of();
        return createPool(new CreatePoolRequest(name, devices, keys, Optional.empty()));
    }

    private Object[] createPool(CreatePoolRequest request) {
        CreatePoolAction action;
        TreePublisher.PublishedPool published = null;
        CompletableFuture<Void> applied = CompletableFuture.completedFuture(null);
        try (EngineLock.Guard guard = engineLock.write()) {
            action = engine.createPool(request);
            if (action instanceof CreatePoolAction.Created created) {
                published = publisher.addPool(created.pool());
                applied = channel.send(published.updates());
            }
        } catch (EngineException e) {
            return createPoolFailure(e.getMessage());
        }
        applied.join();
        if (published == null) {
            return createPoolReply(false, ObjectPaths.NONE, List.of(), 0, OK);
        }
        return createPoolReply(true, published.poolPath(), published.blockdevPaths(), 0, OK);
    }

    private static Object[] createPoolFailure(String message) {
        return createPoolReply(false, ObjectPaths.NONE, List.of(), 1, message);
    }

    private static Object[] createPoolReply(boolean created, String poolPath, List<String> devPaths, int rc, String rs) {
        List<DBusPath> devs = devPaths.stream().map(DBusPath::new).toList();
        return new Object[] {new Object[] {created, new Object[] {new DBusPath(poolPath), devs}}, new UInt16(rc), rs};
    }

    private static Object[] destroyPoolReply(boolean destroyed, String uuid, int rc, String rs) {
        return new Object[] {new Object[] {destroyed, uuid}, new UInt16(rc), rs};
    }

    private static Optional<Long> optionalSlot(Object[] option) {
        return (Boolean) option[0] ? Optional.of(((UInt32) option[1]).longValue()) : Optional.empty();
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String.class::cast).toList();
    }
}
