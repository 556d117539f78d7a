package org.storage.stratisd.engine.strat.pool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.engine.strat.dm.DmException;
import org.storage.stratisd.engine.strat.stack.PlannedDevice;
import org.storage.stratisd.engine.strat.stack.StackPlan;
import org.storage.stratisd.engine.strat.stack.Undo;
import org.storage.stratisd.engine.strat.thinpool.FilesystemSave;
import org.storage.stratisd.engine.strat.thinpool.Reverts;

/**
 * The filesystems of a pool being set up (real-engine spec §4, §5): a thin device for every
 * record, after the scheduled reverts are carried out. A revert sets the snapshot's thin device up
 * under the origin's name and UUID, gives its XFS the origin's UUID, writes the origin's merged
 * record, deletes the snapshot's record and then the origin's old thin device, and points the
 * snapshot's own snapshots at the origin. As upstream, a revert that cannot be carried out is
 * logged and both filesystems are set up as they were; unlike upstream, the origin's old thin
 * device is deleted only once its merged record is written, so a failed write loses no data (the
 * revert is tried again at the next start).
 */
final class FilesystemSetup {

    private static final Logger log = LoggerFactory.getLogger(FilesystemSetup.class);

    private final Services services;

    FilesystemSetup(Services services) {
        this.services = services;
    }

    /**
     * Sets up the pool's filesystems; the thin pool is running.
     *
     * @param pool    the pool
     * @param records its filesystem records
     * @param undo    where each thin device's removal is registered
     * @throws DmException when a thin device that is not part of a revert cannot be set up
     */
    void setUp(StratPool pool, List<FilesystemSave> records, Undo undo) throws DmException {
        Reverts.Plan plan = Reverts.plan(records);
        plan.warnings().forEach(w -> log.warn("Pool {}: {}", pool.name(), w));
        List<FilesystemSave> rest = new ArrayList<>(plan.others());
        for (Reverts.Revert revert : plan.reverts()) {
            Optional<FilesystemSave> merged = revert(pool, revert, undo);
            if (merged.isEmpty()) {
                rest.add(revert.origin());
                rest.add(revert.snapshot());
                continue;
            }
            for (int i = 0; i < rest.size(); i++) {
                FilesystemSave r = rest.get(i);
                if (r.origin().filter(revert.snapshot().uuid()::equals).isPresent()) {
                    FilesystemSave repointed = r.withOrigin(Optional.of(revert.origin().uuid()));
                    rest.set(i, repointed);
                    saveOrWarn(pool, repointed);
                }
            }
        }
        long next = pool.filesystems().values().stream().mapToLong(fs -> fs.record().thinId() + 1).max().orElse(0);
        for (FilesystemSave record : rest) {
            add(pool, record, undo);
            next = Math.max(next, record.thinId() + 1);
        }
        pool.nextThinId(Math.max(next, plan.reverts().stream().mapToLong(r -> r.origin().thinId() + 1).max().orElse(0)));
    }

    private Optional<FilesystemSave> revert(StratPool pool, Reverts.Revert revert, Undo undo) {
        FilesystemSave origin = revert.origin();
        FilesystemSave snapshot = revert.snapshot();
        FilesystemSave merged = revert.merged();
        try {
            add(pool, merged, undo);
        } catch (DmException e) {
            log.warn("Pool {}: snapshot {} could not be reverted into origin {}: {}", pool.name(), snapshot.name(), origin.name(),
                    e.getMessage());
            return Optional.empty();
        }
        Path node = Path.of(pool.filesystems().get(merged.uuid()).devNum().dmNode());
        try {
            services.tools().setXfsUuid(node, merged.uuid());
        } catch (IOException e) {
            log.error("Pool {}: could not set the XFS UUID of filesystem {} after its revert: {}", pool.name(), merged.name(),
                    e.getMessage());
        }
        try {
            pool.mdv().save(merged);
        } catch (IOException e) {
            log.error("Pool {}: could not write the record of filesystem {} after its revert; the snapshot's record and the"
                    + " origin's old thin device are kept, and the revert runs again at the next start: {}", pool.name(),
                    merged.name(), e.getMessage());
            return Optional.of(merged);
        }
        try {
            pool.mdv().delete(snapshot.uuid());
        } catch (IOException e) {
            log.error("Pool {}: could not delete the record of reverted snapshot {}: {}", pool.name(), snapshot.name(),
                    e.getMessage());
        }
        if (!revert.completed()) {
            try {
                services.dm().message(pool.names().thinpool(), 0, "delete " + origin.thinId());
            } catch (DmException e) {
                log.warn("Pool {}: failed to delete thin device {} of origin {} after its revert: {}", pool.name(),
                        origin.thinId(), origin.name(), e.getMessage());
            }
        }
        log.info("Pool {}: snapshot {} reverted into filesystem {}", pool.name(), snapshot.name(), origin.name());
        return Optional.of(merged);
    }

    private void add(StratPool pool, FilesystemSave record, Undo undo) throws DmException {
        PlannedDevice thin = StackPlan.thin(pool.names(), record.uuid(), record.size(), record.thinId());
        services.stack().ensure(thin, pool.devices(), undo);
        pool.filesystems().put(record.uuid(), new StratFilesystem(record, pool.devices().get(thin.name())));
    }

    private static void saveOrWarn(StratPool pool, FilesystemSave record) {
        try {
            pool.mdv().save(record);
        } catch (IOException e) {
            log.warn("Pool {}: could not record that filesystem {} is now a snapshot of the reverted origin: {}", pool.name(),
                    record.name(), e.getMessage());
        }
    }
}
