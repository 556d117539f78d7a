package org.storage.stratisd.engine;

import java.math.BigInteger;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The rules for filesystems that both engines apply, with upstream's messages: sizes and limits,
 * the filesystem limit, and the revert ("merge") schedules that block destruction or conflict
 * with each other. Sizes are in 512-byte sectors.
 */
public final class FilesystemRules {

    /** Bytes per sector. */
    public static final BigInteger SECTOR = BigInteger.valueOf(512);
    /** The default size, 2^31 sectors: 1 TiB. */
    public static final BigInteger DEFAULT_SIZE = BigInteger.ONE.shiftLeft(31);
    /** The smallest size and size limit, 1048576 sectors: 512 MiB. */
    public static final BigInteger MIN_SIZE = BigInteger.valueOf(1048576);
    /** The largest size that can be asked for, (2^64 - 1) * 512 bytes. */
    public static final BigInteger MAX_BYTES = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE).multiply(SECTOR);

    private FilesystemRules() {
    }

    /**
     * What the revert rules need to know of a filesystem.
     *
     * @param uuid   its UUID
     * @param name   its name
     * @param origin the filesystem it is a snapshot of
     * @param merge  whether it is scheduled to be reverted into its origin
     */
    public record Member(UUID uuid, String name, Optional<UUID> origin, boolean merge) {
    }

    /**
     * Checks a requested size or size limit and converts it to sectors.
     *
     * @param name  the filesystem's name, for the message
     * @param bytes the requested bytes
     * @return sectors
     * @throws EngineException if it is too large, not a multiple of 512, or below 512 MiB
     */
    public static BigInteger sectors(String name, BigInteger bytes) throws EngineException {
        if (bytes.compareTo(MAX_BYTES) > 0) {
            throw new EngineException("Requested size or size limit of filesystem " + name
                    + " exceeds maximum specifiable filesystem size " + MAX_BYTES + " bytes");
        }
        if (bytes.mod(SECTOR).signum() != 0) {
            throw new EngineException("Requested size or size limit of filesystem " + name + " must be divisible by 512");
        }
        BigInteger sectors = bytes.divide(SECTOR);
        if (sectors.compareTo(MIN_SIZE) < 0) {
            throw new EngineException("Requested size or size_limit of filesystem " + name + " is " + sectors
                    + " sectors which is less than minimum required: " + MIN_SIZE + " sectors");
        }
        return sectors;
    }

    /**
     * Checks that a pool may get more filesystems.
     *
     * @param fsLimit  its filesystem limit
     * @param existing how many it has
     * @param adding   how many are to be added
     * @throws EngineException if the limit would be passed
     */
    public static void checkLimit(long fsLimit, int existing, int adding) throws EngineException {
        if (fsLimit < existing + adding) {
            throw new EngineException("The pool limit of " + fsLimit + " filesystems has already been reached;"
                    + " increase the filesystem limit on the pool to continue");
        }
    }

    /**
     * Checks that no revert involving the filesystems to destroy is scheduled.
     *
     * @param all     the pool's filesystems
     * @param targets those to destroy
     * @throws EngineException naming the scheduled snapshots
     */
    public static void checkDestroy(Collection<Member> all, Set<UUID> targets) throws EngineException {
        List<UUID> scheduled = all.stream().filter(f -> targets.contains(f.uuid()) && f.merge()).map(Member::uuid).toList();
        if (!scheduled.isEmpty()) {
            throw new EngineException("The filesystem destroy operation can not be begun until the revert operations for the"
                    + " following filesystem snapshots have been cancelled: " + join(scheduled));
        }
        List<Member> scheduledSnapshots = all.stream()
                .filter(f -> f.merge() && f.origin().isPresent() && targets.contains(f.origin().get())).toList();
        if (!scheduledSnapshots.isEmpty()) {
            throw new EngineException("The filesystem destroy operation for filesystems ("
                    + join(scheduledSnapshots.stream().map(f -> f.origin().get()).distinct().toList())
                    + ") can not be begun until the revert operations for the following filesystem snapshots have been cancelled: "
                    + join(scheduledSnapshots.stream().map(Member::uuid).toList()));
        }
    }

    /**
     * The new origins of the snapshots whose origins are destroyed: each gets its origin's own
     * origin, skipping any that is destroyed too.
     *
     * @param all     the pool's filesystems
     * @param targets those to destroy
     * @return snapshot to its new origin (or none), for every snapshot of a destroyed filesystem
     */
    public static Map<UUID, Optional<UUID>> reparent(Collection<Member> all, Set<UUID> targets) {
        Map<UUID, Member> byUuid = all.stream().collect(Collectors.toMap(Member::uuid, Function.identity()));
        Map<UUID, Optional<UUID>> reparented = new LinkedHashMap<>();
        for (Member fs : all) {
            if (!targets.contains(fs.uuid()) && fs.origin().isPresent() && targets.contains(fs.origin().get())) {
                Optional<UUID> next = fs.origin();
                while (next.isPresent() && targets.contains(next.get())) {
                    Member destroyed = byUuid.get(next.get());
                    next = destroyed == null ? Optional.empty() : destroyed.origin();
                }
                reparented.put(fs.uuid(), next);
            }
        }
        return reparented;
    }

    /**
     * Checks that a snapshot's revert may be scheduled: it has an origin, the origin is not itself
     * to be reverted, and no other snapshot is to be reverted into the same origin or into this one.
     *
     * @param all the pool's filesystems
     * @param fs  the snapshot
     * @throws EngineException with upstream's message for the conflict
     */
    public static void checkScheduleMerge(Collection<Member> all, Member fs) throws EngineException {
        UUID uuid = fs.uuid();
        if (fs.origin().isEmpty()) {
            throw new EngineException("Filesystem " + uuid + " has no origin, revert cannot be scheduled");
        }
        UUID originUuid = fs.origin().get();
        Optional<Member> origin = all.stream().filter(f -> f.uuid().equals(originUuid)).findFirst();
        if (origin.isPresent() && origin.get().merge()) {
            throw new EngineException("Filesystem " + uuid + " is scheduled to replace filesystem " + originUuid
                    + ", but filesystem " + originUuid + " is already scheduled to replace another filesystem. Since the order"
                    + " in which the filesystems should replace each other is unknown, this operation can not be performed.");
        }
        for (Member other : all) {
            if (!other.uuid().equals(uuid) && other.merge() && other.origin().equals(fs.origin())) {
                throw new EngineException("Filesystem " + other.name() + " with UUID " + other.uuid()
                        + " is already scheduled to be reverted into origin filesystem " + originUuid);
            }
            if (other.merge() && other.origin().equals(Optional.of(uuid))) {
                throw new EngineException("Filesystem " + other.name() + " with UUID " + other.uuid()
                        + " is already scheduled to be reverted into this filesystem " + uuid
                        + ". The ordering is ambiguous, unwilling to schedule a revert");
            }
        }
    }

    private static String join(List<UUID> uuids) {
        return String.join(", ", uuids.stream().map(UUID::toString).toList());
    }
}
