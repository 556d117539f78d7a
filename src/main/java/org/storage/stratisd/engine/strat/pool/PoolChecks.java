package org.storage.stratisd.engine.strat.pool;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.strat.backstore.Backstore;
import org.storage.stratisd.engine.strat.backstore.InitialLayout;
import org.storage.stratisd.engine.strat.dm.DeviceMapper.UdevRules;
import org.storage.stratisd.engine.strat.dm.DmException;
import org.storage.stratisd.engine.strat.dm.ThinPoolStatus;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSave.Range;
import org.storage.stratisd.engine.strat.stack.StackPlan;
import org.storage.stratisd.engine.strat.thinpool.FilesystemSave;

/**
 * A running pool's check (real-engine spec §2.5, §2.6), run on a device-mapper event of one of its
 * devices and every ten seconds: thin metadata grown when it crosses its low-water mark or the
 * backstore or filesystem limit grew; thin data grown by up to 50 GiB when less than 15 GiB of it
 * is free; the pool switched to {@code error_if_no_space} when nothing is left to grow into; then
 * every mounted filesystem that is more than half full grown (thin table, {@code xfs_growfs}).
 *
 * <p>Called under the pool's write lock.
 */
final class PoolChecks {

    /** Data blocks a data extension adds at most (50 GiB). */
    static final long DATA_ALLOC_BLOCKS = 51200;
    private static final Logger log = LoggerFactory.getLogger(PoolChecks.class);

    private final Services services;
    private final PoolStack stack;

    PoolChecks(Services services, PoolStack stack) {
        this.services = services;
        this.stack = stack;
    }

    /** What a check did. */
    enum Outcome {
        /** Nothing recorded changed (sizes in use may have). */
        UNCHANGED,
        /** Devices grew or the mode changed; the pool metadata was rewritten. */
        CHANGED
    }

    /**
     * The sectors a pool's thin pool could ever hold: the usable backstore less the metadata volume
     * and both thin metadata devices.
     *
     * @param pool the pool
     * @return sectors
     */
    static long roomForData(StratPool pool) {
        return Math.max(0, pool.backstore().usableSize() - InitialLayout.MDV_SECTORS - 2 * PoolSave.sum(pool.thinMetaDev()));
    }

    /**
     * Runs the pool check, then the filesystem check.
     *
     * @param pool the pool
     * @return whether the pool metadata changed
     * @throws EngineException if the changed metadata cannot be written
     */
    Outcome check(StratPool pool) throws EngineException {
        stack.refreshStatus(pool);
        boolean save = false;
        if (!pool.outOfMetaSpace()) {
            save |= extendMeta(pool, OptionalLong.empty(), metaLowWater(pool));
        }
        Optional<ThinPoolStatus> status = pool.status().filter(s -> !s.failed());
        if (status.isPresent() && pool.thinDataSize() - status.get().usedData() * pool.dataBlockSize()
                < StackPlan.LOW_WATER_BLOCKS * pool.dataBlockSize() && !pool.errorIfNoSpace()) {
            save |= extendData(pool);
            if (pool.lowWater() != StackPlan.LOW_WATER_BLOCKS) {
                pool.lowWater(StackPlan.LOW_WATER_BLOCKS);
                try {
                    reloadThinpool(pool);
                } catch (DmException e) {
                    log.warn("Cannot set the low-water mark of the thin pool of pool {}: {}", pool.name(), e.getMessage());
                }
            }
        }
        stack.refreshStatus(pool);
        if (save) {
            stack.save(pool, true);
        }
        checkFilesystems(pool);
        return save ? Outcome.CHANGED : Outcome.UNCHANGED;
    }

    /**
     * Grows the thin metadata (and its spare equally) to what the backstore and the filesystem
     * limit need, or doubles it when its low-water mark was crossed.
     *
     * @param pool     the pool
     * @param fsLimit  a new filesystem limit to size for, or empty for the current
     * @param lowWater whether the metadata crossed its low-water mark
     * @return whether anything changed that the metadata records
     * @throws EngineException when sizing fails, or, with a new limit, when the growth is refused
     */
    boolean extendMeta(StratPool pool, OptionalLong fsLimit, boolean lowWater) throws EngineException {
        long current = PoolSave.sum(pool.thinMetaDev());
        long usable = pool.backstore().usableSize();
        long target;
        if (lowWater) {
            target = Math.min(2 * current, usable);
        } else {
            try {
                target = InitialLayout.thinMetaV2(services.thinMeta(), usable, fsLimit.orElse(pool.fsLimit()));
            } catch (IOException e) {
                throw new EngineException("Cannot compute the thin metadata size of pool " + pool.name() + ": " + e.getMessage());
            }
        }
        long growth = Math.max(0, target - current);
        if (growth == 0) {
            return false;
        }
        if (!pool.overprovisioning() && pool.filesystemsSize() + InitialLayout.MDV_SECTORS + 2 * current >= usable) {
            pool.outOfMetaSpace(true);
            throw new EngineException("Metadata cannot be extended any further without adding more space or enabling"
                    + " overprovisioning; the sum of filesystem sizes is as large as all space not used for metadata");
        }
        if (2 * growth > pool.backstore().available()) {
            pool.outOfMetaSpace(true);
            boolean changed = setErrorMode(pool, true);
            if (fsLimit.isPresent()) {
                throw new EngineException("Not enough unallocated space available on the pool to extend metadata device");
            }
            log.warn("Pool {}: not enough unallocated space available on the pool to extend metadata device", pool.name());
            return changed;
        }
        Flex before = Flex.of(pool);
        Optional<List<Range>> ranges = pool.backstore().alloc(List.of(growth, growth));
        if (ranges.isEmpty()) {
            return false;
        }
        coalesce(pool.thinMetaDev(), ranges.get().get(0));
        coalesce(pool.thinMetaDevSpare(), ranges.get().get(1));
        makeLive(pool, before, "thin metadata");
        log.info("Extended the thin metadata of pool {} by {} sectors", pool.name(), growth);
        return true;
    }

    private boolean extendData(StratPool pool) throws EngineException {
        long blocks = Math.min(pool.backstore().available() / pool.dataBlockSize(), DATA_ALLOC_BLOCKS);
        if (blocks == 0) {
            log.warn("Pool {}: device extension failed: {} data blocks requested but no space is available", pool.name(),
                    DATA_ALLOC_BLOCKS);
            return setErrorMode(pool, true);
        }
        Flex before = Flex.of(pool);
        Optional<List<Range>> ranges = pool.backstore().alloc(List.of(blocks * pool.dataBlockSize()));
        if (ranges.isEmpty()) {
            return false;
        }
        coalesce(pool.thinDataDev(), ranges.get().getFirst());
        makeLive(pool, before, "thin data");
        log.info("Extended the thin data of pool {} by {} sectors", pool.name(), blocks * pool.dataBlockSize());
        return true;
    }

    /**
     * Switches the pool between erroring and queueing when out of space.
     *
     * @param pool the pool
     * @param on   {@code error_if_no_space} on (no space left) or off (space added)
     * @return whether the mode changed
     */
    boolean setErrorMode(StratPool pool, boolean on) {
        if (pool.errorIfNoSpace() == on) {
            return false;
        }
        pool.errorIfNoSpace(on);
        try {
            reloadThinpool(pool);
            log.info("Pool {}: thin pool now {} when out of space", pool.name(), on ? "errors" : "queues");
            return true;
        } catch (DmException e) {
            pool.errorIfNoSpace(!on);
            log.warn("Could not switch the thin pool of pool {} to {} mode: {}", pool.name(), on ? "error" : "queue", e.getMessage());
            return false;
        }
    }

    /**
     * Makes grown flex devices live: the cap grown to the data tier first, then, with the thin pool
     * suspended, the thin metadata and data devices reloaded and the thin pool given its new table
     * (which resumes it). If the kernel refuses a step, the allocation is given back and the devices
     * get their old tables again, so the pool runs on as before; the thin pool is never left
     * suspended.
     *
     * @param pool   the pool, its flex ranges already grown in memory
     * @param before the flex ranges and backstore allocations before the growth
     * @param what   the device grown, for the error
     * @throws EngineException naming the pool, the device and the kernel's answer
     */
    private void makeLive(StratPool pool, Flex before, String what) throws EngineException {
        try {
            applyFlex(pool, true);
        } catch (DmException e) {
            before.restore(pool);
            EngineException failure = new EngineException("Cannot extend the " + what + " of pool " + pool.name() + ": "
                    + e.getMessage());
            try {
                applyFlex(pool, false);
            } catch (DmException again) {
                failure.addSuppressed(again);
                try {
                    services.dm().resume(pool.names().thinpool(), UdevRules.PRIVATE);
                } catch (DmException resume) {
                    failure.addSuppressed(resume);
                }
            }
            throw failure;
        }
    }

    private void applyFlex(StratPool pool, boolean growing) throws DmException {
        if (growing) {
            stack.resizeCap(pool);
        }
        services.dm().suspend(pool.names().thinpool());
        services.stack().reload(StackPlan.flex(pool.names().thinmeta(), pool.cap(), pool.thinMetaDev()), pool.devices());
        services.stack().reload(StackPlan.flex(pool.names().thindata(), pool.cap(), pool.thinDataDev()), pool.devices());
        reloadThinpool(pool);
        if (!growing) {
            stack.resizeCap(pool);
        }
    }

    /**
     * A pool's flex ranges and backstore allocations at one moment, to go back to.
     *
     * @param meta  the thin metadata's ranges
     * @param spare the spare's ranges
     * @param data  the thin data's ranges
     * @param mark  the backstore's allocations
     */
    private record Flex(List<Range> meta, List<Range> spare, List<Range> data, Backstore.Mark mark) {

        static Flex of(StratPool pool) {
            return new Flex(List.copyOf(pool.thinMetaDev()), List.copyOf(pool.thinMetaDevSpare()), List.copyOf(pool.thinDataDev()),
                    pool.backstore().mark());
        }

        void restore(StratPool pool) {
            replace(pool.thinMetaDev(), meta);
            replace(pool.thinMetaDevSpare(), spare);
            replace(pool.thinDataDev(), data);
            pool.backstore().rollback(mark);
        }

        private static void replace(List<Range> list, List<Range> with) {
            list.clear();
            list.addAll(with);
        }
    }

    private void reloadThinpool(StratPool pool) throws DmException {
        services.stack().reload(PoolStack.thinpool(pool), pool.devices());
    }

    private static boolean metaLowWater(StratPool pool) {
        return pool.status().filter(s -> !s.failed() && s.metaLowWater().isPresent())
                .map(s -> s.totalMeta() - s.usedMeta() < s.metaLowWater().getAsLong()).orElse(false);
    }

    /** Appends a range to a segment list, merged into the last when contiguous. */
    private static void coalesce(List<Range> list, Range added) {
        if (!list.isEmpty()) {
            Range last = list.getLast();
            if (last.start() + last.length() == added.start()) {
                list.set(list.size() - 1, new Range(last.start(), last.length() + added.length()));
                return;
            }
        }
        list.add(added);
    }

    /**
     * Grows every mounted filesystem that is more than half full (by its size, at most to its size
     * limit, and with overprovisioning off at most by what is left), and refreshes what each uses.
     */
    private void checkFilesystems(StratPool pool) {
        long remaining = pool.overprovisioning() ? Long.MAX_VALUE : Math.max(0, roomForData(pool) - pool.filesystemsSize());
        Map<String, Path> mounted = PoolFilesystems.mountPoints();
        for (StratFilesystem fs : new ArrayList<>(pool.filesystems().values())) {
            Optional<Path> mountPoint = Optional.ofNullable(mounted.get(fs.devNum().toString()));
            if (mountPoint.isEmpty()) {
                continue;
            }
            try {
                FileStore store = Files.getFileStore(mountPoint.get());
                long total = store.getTotalSpace();
                long used = total - store.getUnallocatedSpace();
                if (2 * used <= total) {
                    continue;
                }
                FilesystemSave r = fs.record();
                long limitRoom = r.fsSizeLimit().isPresent() ? Math.max(0, r.fsSizeLimit().getAsLong() - r.size()) : Long.MAX_VALUE;
                long growth = Math.min(r.size(), Math.min(limitRoom, remaining));
                if (growth <= 0) {
                    continue;
                }
                grow(pool, fs, mountPoint.get(), r.size() + growth);
                remaining -= growth;
            } catch (IOException | EngineException e) {
                log.warn("Failed to extend filesystem {} of pool {}: {}", fs.name(), pool.name(), e.getMessage());
            }
        }
    }

    private void grow(StratPool pool, StratFilesystem fs, Path mountPoint, long newSize) throws EngineException {
        FilesystemSave r = fs.record();
        String name = pool.names().filesystem(fs.uuid());
        try {
            services.stack().reload(StackPlan.thin(pool.names(), fs.uuid(), newSize, r.thinId()), pool.devices());
        } catch (DmException e) {
            throw new EngineException(e.getMessage());
        }
        try {
            services.tools().xfsGrowfs(mountPoint);
        } catch (IOException e) {
            try {
                services.stack().reload(StackPlan.thin(pool.names(), fs.uuid(), r.size(), r.thinId()), pool.devices());
            } catch (DmException restore) {
                e.addSuppressed(restore);
            }
            throw new EngineException("xfs_growfs of " + mountPoint + " failed; the thin device " + name
                    + " keeps its size: " + e.getMessage());
        }
        FilesystemSave grown = r.withSize(newSize);
        try {
            pool.mdv().save(grown);
        } catch (IOException e) {
            throw new EngineException("Cannot record the new size of filesystem " + fs.name() + ": " + e.getMessage());
        }
        fs.update(grown);
        log.info("Extended filesystem {} of pool {} to {} sectors", fs.name(), pool.name(), newSize);
    }

}
