package org.storage.stratisd.engine.strat.pool;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.thinpool.FilesystemSave;
import org.storage.stratisd.engine.view.FilesystemView;

/**
 * One filesystem of a running pool: its record in the metadata volume, the number of its thin
 * device, and the space it uses as last read from the thin device's status.
 *
 * <p>Mutable, owned by its pool: changed only under that pool's write lock.
 */
final class StratFilesystem {

    private FilesystemSave record;
    private final DevNum devNum;
    private OptionalLong usedSectors = OptionalLong.empty();

    StratFilesystem(FilesystemSave record, DevNum devNum) {
        this.record = record;
        this.devNum = devNum;
    }

    FilesystemSave record() {
        return record;
    }

    void update(FilesystemSave newRecord) {
        this.record = newRecord;
    }

    UUID uuid() {
        return record.uuid();
    }

    String name() {
        return record.name();
    }

    DevNum devNum() {
        return devNum;
    }

    void used(long sectors) {
        usedSectors = OptionalLong.of(sectors);
    }

    OptionalLong usedSectors() {
        return usedSectors;
    }

    FilesystemView view(String poolName) {
        return new FilesystemView(record.uuid(), record.name(), "/dev/stratis/" + poolName + "/" + record.name(),
                Instant.ofEpochSecond(record.created()), bytes(record.size()),
                usedSectors.isPresent() ? Optional.of(bytes(usedSectors.getAsLong())) : Optional.empty(),
                record.fsSizeLimit().isPresent() ? Optional.of(bytes(record.fsSizeLimit().getAsLong())) : Optional.empty(),
                record.origin(), record.merge());
    }

    private static BigInteger bytes(long sectors) {
        return BigInteger.valueOf(sectors).shiftLeft(9);
    }
}
