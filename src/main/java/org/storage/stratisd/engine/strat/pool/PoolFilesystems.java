package org.storage.stratisd.engine.strat.pool;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.engine.Actions.Change;
import org.storage.stratisd.engine.Actions.DestroyFilesystemsAction;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.FilesystemRules;
import org.storage.stratisd.engine.FilesystemSpec;
import org.storage.stratisd.engine.NameValidation;
import org.storage.stratisd.engine.strat.dm.DeviceMapper.UdevRules;
import org.storage.stratisd.engine.strat.dm.DmException;
import org.storage.stratisd.engine.strat.stack.PlannedDevice;
import org.storage.stratisd.engine.strat.stack.StackPlan;
import org.storage.stratisd.engine.strat.stack.Undo;
import org.storage.stratisd.engine.strat.thinpool.FilesystemSave;

/**
 * The filesystems of a running pool on real devices (real-engine spec §5): thin ids and
 * {@code create_thin}, the thin device, {@code mkfs.xfs}; snapshots with the origin suspended
 * around {@code create_snap} and a new XFS UUID; destruction with {@code delete}; the records in
 * the metadata volume; the synthetic udev events behind {@code /dev/stratis} links. Each operation
 * checks first and undoes what it did if a later step fails.
 *
 * <p>Called under the pool's write lock.
 */
final class PoolFilesystems {

    private static final Logger log = LoggerFactory.getLogger(PoolFilesystems.class);

    private final Services services;
    private final PoolStack stack;

    PoolFilesystems(Services services, PoolStack stack) {
        this.services = services;
        this.stack = stack;
    }

    /**
     * Creates filesystems; one of an existing name and the same size is skipped.
     *
     * @param pool  the pool
     * @param specs the requests
     * @return the filesystems created
     * @throws EngineException on a bad request or a failed step (nothing of it left)
     */
    List<StratFilesystem> create(StratPool pool, List<FilesystemSpec> specs) throws EngineException {
        FilesystemRules.checkLimit(pool.fsLimit(), pool.filesystems().size(), specs.size());
        List<FilesystemSave> planned = new ArrayList<>();
        long now = services.clock().instant().getEpochSecond();
        for (FilesystemSpec spec : specs) {
            NameValidation.checkName(spec.name());
            BigInteger size = spec.sizeBytes().isPresent() ? FilesystemRules.sectors(spec.name(), spec.sizeBytes().get())
                    : FilesystemRules.DEFAULT_SIZE;
            Optional<BigInteger> limit = spec.sizeLimitBytes().isPresent()
                    ? Optional.of(FilesystemRules.sectors(spec.name(), spec.sizeLimitBytes().get())) : Optional.empty();
            Optional<StratFilesystem> existing = pool.filesystemByName(spec.name());
            if (existing.isPresent()) {
                if (existing.get().record().size() != size.longValueExact()) {
                    throw new EngineException("Size " + size + " sectors of filesystem " + spec.name() + " to be created conflicts"
                            + " with size " + existing.get().record().size() + " sectors for existing filesystem");
                }
                continue;
            }
            if (limit.isPresent() && limit.get().compareTo(size) < 0) {
                throw new EngineException("Limit of " + limit.get() + " sectors is less than requested size " + size + " sectors");
            }
            planned.add(new FilesystemSave(spec.name(), UUID.randomUUID(), 0, size.longValueExact(), now,
                    limit.map(l -> OptionalLong.of(l.longValueExact())).orElse(OptionalLong.empty()), Optional.empty(), false));
        }
        checkRoom(pool, planned.stream().mapToLong(FilesystemSave::size).sum());
        List<StratFilesystem> created = new ArrayList<>();
        Undo undo = new Undo();
        try {
            for (FilesystemSave p : planned) {
                created.add(createOne(pool, p, undo));
            }
        } catch (EngineException e) {
            String undone = undo.rollBack();
            created.forEach(fs -> pool.filesystems().remove(fs.uuid()));
            throw new EngineException(e.getMessage() + undone);
        }
        undo.commit();
        created.forEach(fs -> stack.announce(pool, fs));
        return created;
    }

    private StratFilesystem createOne(StratPool pool, FilesystemSave planned, Undo undo) throws EngineException {
        long thinId = pool.takeThinId();
        FilesystemSave record = planned.withThinId(thinId);
        String thinpool = pool.names().thinpool();
        try {
            services.dm().message(thinpool, 0, "create_thin " + thinId);
            undo.push("delete thin device " + thinId + " of " + thinpool, () -> services.dm().message(thinpool, 0, "delete " + thinId));
            PlannedDevice thin = StackPlan.thin(pool.names(), record.uuid(), record.size(), thinId);
            services.stack().ensure(thin, pool.devices(), undo);
            Path node = Path.of(pool.devices().get(thin.name()).dmNode());
            services.tools().mkfsXfs(node, record.uuid());
            writeRecord(pool, record, undo);
            StratFilesystem fs = new StratFilesystem(record, pool.devices().get(thin.name()));
            pool.filesystems().put(record.uuid(), fs);
            return fs;
        } catch (DmException | IOException e) {
            throw new EngineException("Cannot create filesystem " + planned.name() + " in pool " + pool.name() + ": " + e.getMessage());
        }
    }

    /**
     * Snapshots a filesystem: origin suspended around {@code create_snap}, the snapshot's thin
     * device with the origin's size, its XFS log replayed if the origin is mounted, a new XFS UUID.
     *
     * @param pool   the pool
     * @param origin the origin's UUID
     * @param name   the snapshot's name
     * @return the snapshot, or empty when a filesystem of that name and the origin's size exists
     * @throws EngineException on a bad request or a failed step
     */
    Optional<StratFilesystem> snapshot(StratPool pool, UUID origin, String name) throws EngineException {
        FilesystemRules.checkLimit(pool.fsLimit(), pool.filesystems().size(), 1);
        NameValidation.checkName(name);
        StratFilesystem source = pool.filesystems().get(origin);
        if (source == null) {
            throw new EngineException("Filesystem with UUID " + origin + " not found in pool " + pool.name());
        }
        Optional<StratFilesystem> existing = pool.filesystemByName(name);
        if (existing.isPresent()) {
            if (existing.get().record().size() == source.record().size()) {
                return Optional.empty();
            }
            throw new EngineException("Filesystem " + name + " already exists and has size " + existing.get().record().size()
                    + " sectors different from source filesystem size " + source.record().size() + " sectors");
        }
        checkRoom(pool, source.record().size());
        long thinId = pool.takeThinId();
        FilesystemSave record = new FilesystemSave(name, UUID.randomUUID(), thinId, source.record().size(),
                services.clock().instant().getEpochSecond(), source.record().fsSizeLimit(), Optional.of(origin), false);
        String thinpool = pool.names().thinpool();
        String originDevice = pool.names().filesystem(origin);
        Undo undo = new Undo();
        try {
            services.dm().suspend(originDevice);
            try {
                services.dm().message(thinpool, 0, "create_snap " + thinId + " " + source.record().thinId());
            } finally {
                services.dm().resume(originDevice, UdevRules.NORMAL);
            }
            undo.push("delete thin device " + thinId + " of " + thinpool, () -> services.dm().message(thinpool, 0, "delete " + thinId));
            PlannedDevice thin = StackPlan.thin(pool.names(), record.uuid(), record.size(), thinId);
            services.stack().ensure(thin, pool.devices(), undo);
            Path node = Path.of(pool.devices().get(thin.name()).dmNode());
            if (mountPoints().containsKey(source.devNum().toString())) {
                replayLog(node);
            }
            services.tools().setXfsUuid(node, record.uuid());
            writeRecord(pool, record, undo);
        } catch (DmException | IOException e) {
            throw new EngineException("Cannot snapshot filesystem " + source.name() + " of pool " + pool.name() + " as " + name + ": "
                    + e.getMessage() + undo.rollBack());
        }
        undo.commit();
        StratFilesystem fs = new StratFilesystem(record, pool.devices().get(pool.names().filesystem(record.uuid())));
        pool.filesystems().put(record.uuid(), fs);
        stack.announce(pool, fs);
        return Optional.of(fs);
    }

    /**
     * Destroys filesystems: each thin device removed (retried while busy), its thin id deleted
     * and its record removed; snapshots of destroyed filesystems get their origin's origin.
     *
     * @param pool    the pool
     * @param targets the filesystems; UUIDs the pool does not have are ignored
     * @return what was destroyed and re-parented
     * @throws EngineException when a revert blocks it or a device cannot be removed
     */
    DestroyFilesystemsAction destroy(StratPool pool, Set<UUID> targets) throws EngineException {
        List<UUID> present = pool.filesystems().keySet().stream().filter(targets::contains).toList();
        Set<UUID> presentSet = Set.copyOf(present);
        FilesystemRules.checkDestroy(members(pool), presentSet);
        Map<UUID, Optional<UUID>> reparented = FilesystemRules.reparent(members(pool), presentSet);
        List<UUID> destroyed = new ArrayList<>();
        try {
            for (UUID uuid : present) {
                StratFilesystem fs = pool.filesystems().get(uuid);
                services.stack().remove(pool.names().filesystem(uuid));
                services.dm().message(pool.names().thinpool(), 0, "delete " + fs.record().thinId());
                pool.mdv().delete(uuid);
                pool.filesystems().remove(uuid);
                destroyed.add(uuid);
            }
        } catch (DmException | IOException e) {
            throw new EngineException("Cannot destroy filesystems of pool " + pool.name() + " (destroyed so far: " + destroyed + "): "
                    + e.getMessage());
        } finally {
            Map<UUID, Optional<UUID>> applied = new LinkedHashMap<>(reparented);
            applied.keySet().retainAll(pool.filesystems().keySet());
            for (Map.Entry<UUID, Optional<UUID>> e : applied.entrySet()) {
                StratFilesystem snap = pool.filesystems().get(e.getKey());
                saveQuietly(pool, snap, snap.record().withOrigin(e.getValue()));
            }
        }
        return new DestroyFilesystemsAction(destroyed, reparented);
    }

    /**
     * Renames a filesystem; its {@code /dev/stratis} link follows.
     *
     * @param pool    the pool
     * @param uuid    the filesystem
     * @param newName the new name
     * @return renamed, identity, or no source
     * @throws EngineException on a bad or taken name or a failed write
     */
    RenameAction rename(StratPool pool, UUID uuid, String newName) throws EngineException {
        NameValidation.checkName(newName);
        StratFilesystem fs = pool.filesystems().get(uuid);
        if (fs == null) {
            return new RenameAction.NoSource();
        }
        if (fs.name().equals(newName)) {
            return new RenameAction.Identity();
        }
        if (pool.filesystemByName(newName).isPresent()) {
            throw new EngineException("Entry with name " + newName + " already exists");
        }
        save(pool, fs, fs.record().withName(newName));
        stack.announce(pool, fs);
        return new RenameAction.Renamed();
    }

    /**
     * Sets or clears a size limit.
     *
     * @param pool       the pool
     * @param uuid       the filesystem
     * @param limitBytes the limit, or empty
     * @return whether it changed
     * @throws EngineException on an unknown filesystem or a bad limit
     */
    Change setSizeLimit(StratPool pool, UUID uuid, Optional<BigInteger> limitBytes) throws EngineException {
        StratFilesystem fs = pool.filesystems().get(uuid);
        if (fs == null) {
            throw new EngineException("Filesystem with UUID " + uuid + " not found");
        }
        OptionalLong limit = OptionalLong.empty();
        if (limitBytes.isPresent()) {
            BigInteger sectors = FilesystemRules.sectors(fs.name(), limitBytes.get());
            if (sectors.compareTo(BigInteger.valueOf(fs.record().size())) < 0) {
                throw new EngineException("Limit requested of " + sectors + " sectors is smaller than current filesystem size of "
                        + fs.record().size() + " sectors");
            }
            limit = OptionalLong.of(sectors.longValueExact());
        }
        FilesystemSave r = fs.record();
        if (r.fsSizeLimit().equals(limit)) {
            return Change.IDENTITY;
        }
        save(pool, fs, r.withFsSizeLimit(limit));
        return Change.CHANGED;
    }

    /**
     * Schedules or cancels the revert of a snapshot into its origin at the next start.
     *
     * @param pool      the pool
     * @param uuid      the snapshot
     * @param scheduled the new setting
     * @return whether it changed
     * @throws EngineException on an unknown filesystem or a conflicting schedule
     */
    Change setMergeScheduled(StratPool pool, UUID uuid, boolean scheduled) throws EngineException {
        StratFilesystem fs = pool.filesystems().get(uuid);
        if (fs == null) {
            throw new EngineException("No filesystem with UUID " + uuid + " found");
        }
        FilesystemSave r = fs.record();
        if (r.origin().isEmpty()) {
            throw new EngineException("Filesystem " + uuid + " has no origin, revert cannot be scheduled");
        }
        if (r.merge() == scheduled) {
            return Change.IDENTITY;
        }
        if (scheduled) {
            FilesystemRules.checkScheduleMerge(members(pool), member(fs));
        }
        save(pool, fs, r.withMerge(scheduled));
        return Change.CHANGED;
    }

    /** With overprovisioning off, new filesystems must fit what the thin pool could ever hold. */
    private static void checkRoom(StratPool pool, long adding) throws EngineException {
        if (pool.overprovisioning()) {
            return;
        }
        long room = PoolChecks.roomForData(pool);
        if (pool.filesystemsSize() + adding > room) {
            throw new EngineException("The sum of the sizes of the filesystems, " + (pool.filesystemsSize() + adding)
                    + " sectors, would exceed the room for data in pool " + pool.name() + ", " + room
                    + " sectors, and overprovisioning is disabled");
        }
    }

    private void writeRecord(StratPool pool, FilesystemSave record, Undo undo) throws IOException {
        pool.mdv().save(record);
        undo.push("delete the record of filesystem " + record.uuid(), () -> pool.mdv().delete(record.uuid()));
    }

    private static void save(StratPool pool, StratFilesystem fs, FilesystemSave record) throws EngineException {
        try {
            pool.mdv().save(record);
        } catch (IOException e) {
            throw new EngineException("Cannot write the record of filesystem " + fs.name() + " of pool " + pool.name() + ": "
                    + e.getMessage());
        }
        fs.update(record);
    }

    private static void saveQuietly(StratPool pool, StratFilesystem fs, FilesystemSave record) {
        try {
            save(pool, fs, record);
        } catch (EngineException e) {
            log.error("{}", e.getMessage());
        }
    }

    /**
     * Where devices are mounted, from the daemon's view of the mounts, read once per call.
     *
     * @return the first mount point of each mounted device, by device number ({@code major:minor})
     */
    static Map<String, Path> mountPoints() {
        Map<String, Path> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4) {
                    out.putIfAbsent(f[2], Path.of(f[4].replace("\\040", " ")));
                }
            }
        } catch (IOException e) {
            log.debug("cannot read mountinfo: {}", e.getMessage());
        }
        return out;
    }

    /** Mounts a snapshot with {@code nouuid} on a temporary directory and unmounts it, replaying its XFS log. */
    private void replayLog(Path node) throws IOException {
        Path dir = Files.createTempDirectory("stratis_mp_");
        try {
            services.mounts().mount(node, dir, "xfs", "nouuid");
            services.mounts().unmount(dir);
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    private static List<FilesystemRules.Member> members(StratPool pool) {
        return pool.filesystems().values().stream().map(PoolFilesystems::member).toList();
    }

    private static FilesystemRules.Member member(StratFilesystem fs) {
        return new FilesystemRules.Member(fs.uuid(), fs.name(), fs.record().origin(), fs.record().merge());
    }
}
