package org.storage.stratisd.engine.view;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * An immutable snapshot of one filesystem.
 *
 * @param uuid           filesystem UUID
 * @param name           filesystem name
 * @param devnode        the path it is mounted from
 * @param created        creation time, whole seconds
 * @param size           size in bytes
 * @param used           bytes in use, if known
 * @param sizeLimit      size limit in bytes, if set
 * @param origin         UUID of the filesystem this one is a snapshot of, if any
 * @param mergeScheduled whether a revert into the origin is scheduled
 */
public record FilesystemView(
        UUID uuid,
        String name,
        String devnode,
        Instant created,
        BigInteger size,
        Optional<BigInteger> used,
        Optional<BigInteger> sizeLimit,
        Optional<UUID> origin,
        boolean mergeScheduled) {
}
