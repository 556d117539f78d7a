package org.storage.stratisd.dbus.api.filesystem;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.messages.MethodCall;
import org.storage.stratisd.dbus.api.common.Args;
import org.storage.stratisd.dbus.api.common.ChildChanges;
import org.storage.stratisd.dbus.api.common.Setters;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.tree.ObjectKind;

/** The behaviour of the filesystem method and setters: each acts on the owning pool and syncs it. */
final class FilesystemMethods {

    private final Engine engine;
    private final ChildChanges changes;

    FilesystemMethods(Engine engine, ChildChanges changes) {
        this.engine = engine;
        this.changes = changes;
    }

    /** Filesystem {@code SetName}. */
    Object[] setName(MethodCall call, Object[] args) {
        String name = Args.string(args[0]);
        return changes.rename(call.getPath(), ObjectKind.FILESYSTEM, (pool, fs) -> engine.renameFilesystem(pool, fs, name),
                "pool doesn't know about filesystem ");
    }

    /**
     * The filesystem's writable properties.
     *
     * @return setters by property name
     */
    Setters setters() {
        return Setters.of(Map.of(
                "SizeLimit", (path, value) -> changes.set(path, ObjectKind.FILESYSTEM, (pool, fs) -> {
                    Optional<Object> limit = Args.option(value);
                    Optional<BigInteger> bytes = limit.isEmpty() ? Optional.empty() : Optional.of(unsigned((String) limit.get()));
                    engine.setSizeLimit(pool, fs, bytes);
                }),
                "MergeScheduled", (path, value) -> changes.set(path, ObjectKind.FILESYSTEM,
                        (pool, fs) -> engine.setMergeScheduled(pool, fs, (Boolean) value))));
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
