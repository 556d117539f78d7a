package org.storage.stratisd.engine.strat.thinpool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One filesystem's record in the metadata volume, {@code filesystems/<uuid>.json} (real-engine
 * spec §4): keys in upstream's order, {@code fs_size_limit} and {@code origin} omitted when none,
 * {@code merge} always written (absent when read: false).
 *
 * @param name        the filesystem's name
 * @param uuid        its UUID, also its XFS UUID
 * @param thinId      its thin device id in the pool
 * @param size        its thin device's length, sectors
 * @param created     seconds since the epoch
 * @param fsSizeLimit its size limit, sectors
 * @param origin      the filesystem it is a snapshot of
 * @param merge       whether it is to be reverted into its origin at the next start
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FilesystemSave(@JsonProperty(required = true) String name, @JsonProperty(required = true) UUID uuid,
                             @JsonProperty(required = true) long thinId, @JsonProperty(required = true) long size,
                             @JsonProperty(required = true) long created,
                             @JsonInclude(JsonInclude.Include.NON_ABSENT) OptionalLong fsSizeLimit,
                             @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<UUID> origin, boolean merge) {

    /** Absent optional members are empty. */
    public FilesystemSave {
        fsSizeLimit = fsSizeLimit == null ? OptionalLong.empty() : fsSizeLimit;
        origin = origin == null ? Optional.empty() : origin;
    }

    /** @return this record with another name */
    public FilesystemSave withName(String newName) {
        return new FilesystemSave(newName, uuid, thinId, size, created, fsSizeLimit, origin, merge);
    }

    /** @return this record with another thin id */
    public FilesystemSave withThinId(long newThinId) {
        return new FilesystemSave(name, uuid, newThinId, size, created, fsSizeLimit, origin, merge);
    }

    /** @return this record with another size, sectors */
    public FilesystemSave withSize(long newSize) {
        return new FilesystemSave(name, uuid, thinId, newSize, created, fsSizeLimit, origin, merge);
    }

    /** @return this record with another size limit, sectors */
    public FilesystemSave withFsSizeLimit(OptionalLong newLimit) {
        return new FilesystemSave(name, uuid, thinId, size, created, newLimit, origin, merge);
    }

    /** @return this record with another origin */
    public FilesystemSave withOrigin(Optional<UUID> newOrigin) {
        return new FilesystemSave(name, uuid, thinId, size, created, fsSizeLimit, newOrigin, merge);
    }

    /** @return this record with the revert scheduled or not */
    public FilesystemSave withMerge(boolean newMerge) {
        return new FilesystemSave(name, uuid, thinId, size, created, fsSizeLimit, origin, newMerge);
    }
}
