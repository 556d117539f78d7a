package org.storage.stratisd.dbus.api.blockdev;

import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.messages.MethodCall;
import org.storage.stratisd.dbus.api.common.Args;
import org.storage.stratisd.dbus.api.common.ChildChanges;
import org.storage.stratisd.dbus.api.common.Setters;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.tree.ObjectKind;

/** The behaviour of the block-device method and setter: each acts on the owning pool and syncs it. */
final class BlockdevMethods {

    private final Engine engine;
    private final ChildChanges changes;

    BlockdevMethods(Engine engine, ChildChanges changes) {
        this.engine = engine;
        this.changes = changes;
    }

    /** Blockdev {@code SetUserInfo} of r0 to r2. */
    Object[] setUserInfo(MethodCall call, Object[] args) {
        Optional<String> info = Args.option(args[0]).map(String.class::cast);
        return changes.rename(call.getPath(), ObjectKind.BLOCKDEV, (pool, dev) -> engine.setUserInfo(pool, dev, info),
                "pool doesn't know about block device ");
    }

    /**
     * The block device's writable properties (r3 on).
     *
     * @return setters by property name
     */
    Setters setters() {
        return Setters.of(Map.of("UserInfo", (path, value) -> changes.set(path, ObjectKind.BLOCKDEV, (pool, dev) -> {
            RenameAction action = engine.setUserInfo(pool, dev, Args.option(value).map(String.class::cast));
            if (action instanceof RenameAction.NoSource) {
                throw new EngineException("Blockdev with UUID " + dev + " not found");
            }
        })));
    }
}
