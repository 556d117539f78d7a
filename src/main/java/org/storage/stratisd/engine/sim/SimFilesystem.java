package org.storage.stratisd.engine.sim;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.storage.stratisd.engine.view.FilesystemView;

/** A simulated filesystem; sizes in 512-byte sectors. Mutable, guarded by the engine lock. */
final class SimFilesystem {

    static final BigInteger SECTOR = BigInteger.valueOf(512);

    private final UUID uuid;
    private final Instant created;
    private final BigInteger sizeSectors;
    private String name;
    private Optional<BigInteger> sizeLimitSectors;
    private Optional<UUID> origin;
    private boolean mergeScheduled;

    SimFilesystem(UUID uuid, String name, Instant created, BigInteger sizeSectors,
                  Optional<BigInteger> sizeLimitSectors, Optional<UUID> origin) {
        this.uuid = uuid;
        this.name = name;
        this.created = created;
        this.sizeSectors = sizeSectors;
        this.sizeLimitSectors = sizeLimitSectors;
        this.origin = origin;
    }

    UUID uuid() {
        return uuid;
    }

    String name() {
        return name;
    }

    void rename(String newName) {
        name = newName;
    }

    Instant created() {
        return created;
    }

    BigInteger sizeSectors() {
        return sizeSectors;
    }

    Optional<BigInteger> sizeLimitSectors() {
        return sizeLimitSectors;
    }

    void setSizeLimitSectors(Optional<BigInteger> limit) {
        sizeLimitSectors = limit;
    }

    Optional<UUID> origin() {
        return origin;
    }

    void setOrigin(Optional<UUID> newOrigin) {
        origin = newOrigin;
    }

    boolean mergeScheduled() {
        return mergeScheduled;
    }

    void setMergeScheduled(boolean scheduled) {
        mergeScheduled = scheduled;
    }

    FilesystemView view(String poolName) {
        BigInteger sizeBytes = sizeSectors.multiply(SECTOR);
        return new FilesystemView(uuid, name, "/somepath/" + poolName + "/" + name, created, sizeBytes,
                Optional.of(sizeBytes.shiftRight(1)), sizeLimitSectors.map(l -> l.multiply(SECTOR)), origin, mergeScheduled);
    }
}
