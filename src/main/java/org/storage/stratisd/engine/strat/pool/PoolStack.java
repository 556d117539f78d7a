package org.storage.stratisd.engine.strat.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.strat.backstore.Backstore;
import org.storage.stratisd.engine.strat.backstore.Blockdev;
import org.storage.stratisd.engine.strat.backstore.CacheTier;
import org.storage.stratisd.engine.strat.backstore.DataTier;
import org.storage.stratisd.engine.strat.crypt.PoolCrypt;
import org.storage.stratisd.engine.strat.crypt.Unlock;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DeviceMapper.UdevRules;
import org.storage.stratisd.engine.strat.dm.DmException;
import org.storage.stratisd.engine.strat.dm.DmInfo;
import org.storage.stratisd.engine.strat.dm.DmNames;
import org.storage.stratisd.engine.strat.dm.TargetLine;
import org.storage.stratisd.engine.strat.dm.ThinPoolStatus;
import org.storage.stratisd.engine.strat.dm.ThinStatus;
import org.storage.stratisd.engine.strat.metadata.MetadataException;
import org.storage.stratisd.engine.strat.metadata.PoolMetadataStore;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSaveCodec;
import org.storage.stratisd.engine.strat.stack.PlannedDevice;
import org.storage.stratisd.engine.strat.stack.StackPlan;
import org.storage.stratisd.engine.strat.stack.Undo;
import org.storage.stratisd.engine.strat.thinpool.FilesystemSave;
import org.storage.stratisd.engine.strat.thinpool.Mdv;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.ThinPoolUsage;

/**
 * Sets a pool's stack up and tears it down (real-engine spec §1.6): a new pool on devices whose
 * BDAs were just written, a pool from its metadata at start-up or {@code StartPool}, and the
 * teardown of {@code StopPool} and {@code DestroyPool}. Every set-up registers on the caller's
 * {@link Undo} what it created, so a failure leaves nothing behind.
 */
final class PoolStack {

    private static final Logger log = LoggerFactory.getLogger(PoolStack.class);
    /** The first sectors of a new thin metadata device that must be zero (4 KiB). */
    private static final int THIN_META_ZEROED = 4096;

    /** The thin pool's metadata block: 4 KiB, the unit of the status line's metadata figures. */
    private static final long THIN_META_BLOCK_BYTES = 4096;

    private final Services services;
    private final FilesystemSetup filesystemSetup;
    /**
     * Each running pool's last thin-pool usage, for metrics. A pool's entry is written only under
     * that pool's write lock (its status read, its teardown); readers take no lock and may see an
     * entry one check old, never a torn one (entries are immutable records).
     */
    private final Map<UUID, ThinPoolUsage> usage = new ConcurrentHashMap<>();

    PoolStack(Services services) {
        this.services = services;
        this.filesystemSetup = new FilesystemSetup(services);
    }

    /**
     * Builds the stack of a new pool and writes its first metadata.
     *
     * @param poolUuid the new pool
     * @param layout   its initial layout
     * @param devices  its devices, BDAs written
     * @param key      V2 encrypted: the key description its LUKS2 header binds, and the token's slot
     * @param undo     where each step's reversal is registered
     * @return the running pool
     * @throws EngineException naming the layer and the device that failed
     */
    StratPool create(UUID poolUuid, PoolSave layout, List<Blockdev> devices, Optional<PoolCrypt.KeyBinding> key, Undo undo)
            throws EngineException {
        DmNames names = new DmNames(poolUuid);
        Backstore backstore = backstore(2, layout, devices, Optional.empty());
        StratPool pool = new StratPool(poolUuid, layout, backstore, new Mdv(services.mounts(), poolUuid),
                new PoolMetadataStore(services.clock(), services.random(), null));
        Map<String, DevNum> dm = pool.devices();
        try {
            for (PlannedDevice d : StackPlan.backstore(names, backstore.metadataVersion(), layout.backstore().dataTier().blockdev()
                    .allocs().getFirst(), blockdevNumbers(devices))) {
                services.stack().ensure(d, dm, undo);
            }
            if (key.isPresent()) {
                Path cap = capNode(pool);
                // Pushed first: a format that fails half-way leaves no header that looks like ours.
                undo.push("wipe the LUKS2 header area of " + names.cache(), () -> wipeHeader(pool));
                services.crypt().format(cap, key.get().description(), key.get().tokenSlot());
                openCrypt(pool, new Unlock(Optional.of(key.get().tokenSlot()), Optional.empty()), undo);
                rereadBindings(pool);
            } else if (backstore.metadataVersion() == 2) {
                wipeHeader(pool);
            }
            services.stack().ensure(StackPlan.flex(names.thinmeta(), pool.cap(), pool.thinMetaDev()), dm, undo);
            zero(dm.get(names.thinmeta()), THIN_META_ZEROED, names.thinmeta());
            services.stack().ensure(StackPlan.flex(names.thindata(), pool.cap(), pool.thinDataDev()), dm, undo);
            services.stack().ensure(StackPlan.flex(names.mdv(), pool.cap(), pool.metaDev()), dm, undo);
            Path mdvNode = Path.of(dm.get(names.mdv()).dmNode());
            try {
                services.tools().mkfsXfs(mdvNode, poolUuid);
            } catch (IOException e) {
                throw new EngineException("Cannot make the metadata volume's filesystem on " + names.mdv() + ": " + e.getMessage());
            }
            mountMdv(pool, undo);
            pool.lowWater(StackPlan.lowWaterAtCreation(pool.thinDataSize(), pool.dataBlockSize()));
            services.stack().ensure(thinpool(pool), dm, undo);
        } catch (DmException e) {
            throw new EngineException(e.getMessage());
        }
        save(pool, true);
        refreshStatus(pool);
        return pool;
    }

    /**
     * Sets a pool up from its metadata: devices that already exist with the expected tables are
     * adopted, missing ones created; thin metadata is checked (and repaired into the spare) when
     * the thin pool is not running yet; every filesystem of the metadata volume gets its thin device,
     * after the reverts scheduled with {@code MergeScheduled} are carried out ({@link FilesystemSetup}).
     *
     * @param poolUuid   the pool
     * @param version    its metadata version (its signature blocks')
     * @param save       its newest metadata
     * @param devices      its data devices
     * @param cacheDevices its cache devices (none if it has no cache tier)
     * @param lastUpdate   the time of that metadata
     * @param cacheDropped whether the metadata's cache tier was dropped ({@code remove_cache}): then it is rewritten
     * @param unlock       V2 encrypted: how to open the crypt device; empty if no unlock method was
     *                     given (then only a crypt device already open is used)
     * @param undo         where each step's reversal is registered
     * @return the running pool
     * @throws EngineException naming the layer and the device that failed
     */
    StratPool setup(UUID poolUuid, int version, PoolSave save, List<Blockdev> devices, List<Blockdev> cacheDevices,
                    Instant lastUpdate, boolean cacheDropped, Optional<Unlock> unlock, Undo undo) throws EngineException {
        if (save.backstore().cacheTier().isEmpty() && !cacheDevices.isEmpty()) {
            // 3.9.2's message.
            throw new EngineException("Cachedevs exist, but cache metadata does not exist");
        }
        if (save.encrypted() && version != 2) {
            throw new EngineException("Pool " + save.name() + " records encryption in a version " + version
                    + " metadata; only version 2 pools are encrypted on their cap");
        }
        DmNames names = new DmNames(poolUuid);
        Optional<CacheTier> cache = save.backstore().cacheTier().isPresent()
                ? Optional.of(CacheTier.fromSave(save.backstore().cacheTier().get(), cacheDevices)) : Optional.empty();
        Backstore backstore = backstore(version, save, devices, cache);
        StratPool pool = new StratPool(poolUuid, save, backstore, new Mdv(services.mounts(), poolUuid),
                new PoolMetadataStore(services.clock(), services.random(), lastUpdate));
        boolean migrate = save.thinpoolDev().featureArgs().isEmpty();
        if (migrate) {
            pool.featureArgs(List.of("no_discard_passdown", "skip_block_zeroing", "error_if_no_space"));
        }
        Map<String, DevNum> dm = pool.devices();
        boolean repaired;
        try {
            for (PlannedDevice d : backstorePlan(pool)) {
                services.stack().ensure(d, dm, undo);
            }
            if (version == 2) {
                setupCrypt(pool, unlock, undo);
            }
            services.stack().ensure(StackPlan.flex(names.mdv(), pool.cap(), pool.metaDev()), dm, undo);
            mountMdv(pool, undo);
            List<FilesystemSave> records = readRecords(pool);
            boolean poolRunning = services.dm().info(names.thinpool()).isPresent();
            services.stack().ensure(StackPlan.flex(names.thinmeta(), pool.cap(), pool.thinMetaDev()), dm, undo);
            repaired = !poolRunning && checkThinMetadata(pool, undo);
            services.stack().ensure(StackPlan.flex(names.thindata(), pool.cap(), pool.thinDataDev()), dm, undo);
            pool.lowWater(StackPlan.lowWaterAtSetup(pool.thinDataSize(), pool.dataBlockSize()));
            services.stack().ensure(thinpool(pool), dm, undo);
            if (migrate) {
                pool.errorIfNoSpace(false);
                services.stack().reload(thinpool(pool), dm);
            }
            filesystemSetup.setUp(pool, records, undo);
        } catch (DmException e) {
            throw new EngineException(e.getMessage());
        }
        // A repaired thin metadata lives on what were the spare's segments: that is recorded at once,
        // or the next start would check (and "repair" over the good copy) the damaged one again.
        if (!save.started().orElse(true) || migrate || repaired || cacheDropped || save.thinpoolDev().fsLimit().isEmpty()) {
            save(pool, true);
        }
        refreshStatus(pool);
        for (StratFilesystem fs : pool.filesystems().values()) {
            announce(pool, fs);
        }
        return pool;
    }

    /**
     * Tears a running pool down: its thin devices (refused, with nothing removed, while any is
     * open), the thin pool and flex devices, the metadata volume; then, if asked, the metadata
     * records the pool as stopped; then the backstore's devices.
     *
     * @param pool          the pool
     * @param recordStopped whether to write {@code started: false} (StopPool) or not (DestroyPool, which
     *                      also wipes an encrypted pool's LUKS2 header area)
     * @throws EngineException naming what could not be removed
     */
    void teardown(StratPool pool, boolean recordStopped) throws EngineException {
        DmNames names = pool.names();
        usage.remove(pool.uuid());
        try {
            for (StratFilesystem fs : pool.filesystems().values()) {
                var info = services.dm().info(names.filesystem(fs.uuid()));
                if (info.isPresent() && info.get().openCount() > 0) {
                    throw new EngineException("Filesystem " + fs.name() + " of pool " + pool.name() + " is in use (device "
                            + names.filesystem(fs.uuid()) + " is open, e.g. mounted); the pool was not stopped");
                }
            }
            for (StratFilesystem fs : pool.filesystems().values()) {
                services.stack().remove(names.filesystem(fs.uuid()));
            }
            for (String name : List.of(names.thinpool(), names.thindata(), names.thinmeta(), names.thinmetaspare())) {
                services.stack().remove(name);
            }
            pool.mdv().unmount();
            services.stack().remove(names.mdv());
            if (recordStopped) {
                save(pool, false);
            }
            services.stack().remove(names.crypt());
            if (!recordStopped && pool.backstore().encrypted()) {
                // DestroyPool: the keyslots go with the header area, so nothing can open the data again.
                wipeHeader(pool);
            }
            for (String name : List.of(names.cache(), names.cachesub(), names.metasub(), names.originsub())) {
                services.stack().remove(name);
            }
        } catch (DmException | IOException e) {
            throw new EngineException("Pool " + pool.name() + " was not torn down completely: " + e.getMessage());
        }
    }

    /**
     * Writes the pool's metadata.
     *
     * @param pool    the pool
     * @param started whether it records the pool as running
     * @throws EngineException if no device took it
     */
    void save(StratPool pool, boolean started) throws EngineException {
        PoolSave record = pool.record(started);
        try {
            pool.store().save(pool.dataDevnodes(), PoolSaveCodec.write(record));
        } catch (MetadataException e) {
            throw new EngineException("Cannot write the metadata of pool " + pool.name() + ": " + e.getMessage());
        }
        pool.written(record);
    }

    /**
     * Reads the thin pool's status and every filesystem's use.
     *
     * @param pool the pool
     */
    void refreshStatus(StratPool pool) {
        try {
            ThinPoolStatus status = ThinPoolStatus.parse(services.dm().status(pool.names().thinpool()).getFirst().params());
            pool.status(Optional.of(status));
            if (status.failed()) {
                usage.remove(pool.uuid());
            } else {
                long block = pool.dataBlockSize() << 9;
                usage.put(pool.uuid(), new ThinPoolUsage(status.usedData() * block, status.totalData() * block,
                        status.usedMeta() * THIN_META_BLOCK_BYTES, status.totalMeta() * THIN_META_BLOCK_BYTES,
                        status.outOfDataSpace(), status.mode().equals("ro")));
            }
        } catch (DmException | RuntimeException e) {
            log.warn("Cannot read the status of the thin pool of pool {}: {}", pool.name(), e.getMessage());
            pool.status(Optional.empty());
            usage.remove(pool.uuid());
        }
        for (StratFilesystem fs : pool.filesystems().values()) {
            try {
                fs.used(ThinStatus.parse(services.dm().status(pool.names().filesystem(fs.uuid())).getFirst().params()).mappedSectors());
            } catch (DmException | RuntimeException e) {
                log.debug("Cannot read the status of filesystem {}: {}", fs.name(), e.getMessage());
            }
        }
    }

    /**
     * Sends the synthetic udev event that makes udev link {@code /dev/stratis/<pool>/<fs>}.
     *
     * @param pool the pool
     * @param fs   the filesystem
     */
    void announce(StratPool pool, StratFilesystem fs) {
        try {
            services.uevents().filesystemChange(fs.devNum(), fs.uuid(), pool.name(), fs.name());
        } catch (IOException e) {
            log.warn("Cannot send the udev change event of filesystem {} of pool {}: {}", fs.name(), pool.name(), e.getMessage());
        }
    }

    /**
     * The thin pool's device as the pool's state now has it (data size, low-water mark, features).
     *
     * @param pool the pool
     * @return the planned device
     */
    static PlannedDevice thinpool(StratPool pool) {
        return StackPlan.thinpool(pool.names(), pool.thinDataSize(), pool.dataBlockSize(), pool.lowWater(), pool.featureArgs());
    }

    private void mountMdv(StratPool pool, Undo undo) throws EngineException {
        Path node = Path.of(pool.devices().get(pool.names().mdv()).dmNode());
        try {
            pool.mdv().mount(node);
        } catch (IOException e) {
            throw new EngineException("Cannot mount the metadata volume " + pool.names().mdv() + " of pool " + pool.name() + ": "
                    + e.getMessage());
        }
        undo.push("unmount " + pool.mdv().mountPoint(), () -> pool.mdv().unmount());
    }

    private static List<FilesystemSave> readRecords(StratPool pool) throws EngineException {
        List<FilesystemSave> records;
        try {
            records = pool.mdv().filesystems();
        } catch (IOException e) {
            throw new EngineException("Cannot read the filesystem records of pool " + pool.name() + ": " + e.getMessage());
        }
        Set<String> names = new HashSet<>();
        Set<UUID> uuids = new HashSet<>();
        for (FilesystemSave r : records) {
            if (!names.add(r.name())) {
                throw new EngineException("Two filesystems with the same name, " + r.name() + ", found in filesystem metadata");
            }
            if (!uuids.add(r.uuid())) {
                throw new EngineException("Two filesystems with the same UUID, " + r.uuid() + ", found in filesystem metadata");
            }
        }
        return records;
    }

    /**
     * {@code thin_check} on the thin metadata; on failure {@code thin_repair} into a device over
     * the spare segments, which then replaces the metadata device (its segment lists swapped with
     * the spare's).
     *
     * @return whether the metadata was repaired (and the segment lists swapped)
     */
    private boolean checkThinMetadata(StratPool pool, Undo undo) throws EngineException, DmException {
        DmNames names = pool.names();
        Path meta = Path.of(pool.devices().get(names.thinmeta()).dmNode());
        try {
            services.tools().thinCheck(meta);
            return false;
        } catch (IOException e) {
            log.warn("Thin metadata of pool {} does not check ({}); repairing it into the spare", pool.name(), e.getMessage());
        }
        services.stack().ensure(StackPlan.flex(names.thinmetaspare(), pool.cap(), pool.thinMetaDevSpare()), pool.devices(), undo);
        try {
            services.tools().thinRepair(meta, Path.of(pool.devices().get(names.thinmetaspare()).dmNode()));
        } catch (IOException e) {
            throw new EngineException("Thin metadata of pool " + pool.name() + " cannot be repaired: " + e.getMessage());
        }
        services.dm().remove(names.thinmeta());
        services.dm().rename(names.thinmetaspare(), names.thinmeta());
        pool.devices().put(names.thinmeta(), pool.devices().remove(names.thinmetaspare()));
        List<PoolSave.Range> repaired = List.copyOf(pool.thinMetaDevSpare());
        pool.thinMetaDevSpare().clear();
        pool.thinMetaDevSpare().addAll(pool.thinMetaDev());
        pool.thinMetaDev().clear();
        pool.thinMetaDev().addAll(repaired);
        log.info("Thin metadata of pool {} repaired; it now lives on the former spare's segments", pool.name());
        return true;
    }

    /**
     * V2: an encrypted pool's crypt device at set-up. One already open (by an earlier run of the
     * daemon, or the initramfs) is adopted; otherwise it is opened with the unlock method given, and
     * without one the set-up stops here (3.9.2's message), as upstream's does at start-up. An
     * unencrypted pool's cap must carry no Stratis LUKS2 header (spec §3.3's consistency check).
     */
    private void setupCrypt(StratPool pool, Optional<Unlock> unlock, Undo undo) throws EngineException, DmException {
        DmNames names = pool.names();
        Path cap = capNode(pool);
        Optional<Encryption> bindings = services.crypt().bindings(cap, 0);
        if (pool.backstore().encrypted() != bindings.isPresent()) {
            throw new EngineException("Pool " + pool.name() + ": its metadata says it is " + (pool.backstore().encrypted() ? "" : "not ")
                    + "encrypted, but " + names.cache() + (bindings.isPresent() ? " carries" : " carries no") + " LUKS2 header with a"
                    + " keyring binding");
        }
        if (!pool.backstore().encrypted()) {
            return;
        }
        pool.encryption(bindings);
        Optional<DmInfo> open = services.dm().info(names.crypt());
        if (open.isPresent()) {
            pool.devices().put(names.crypt(), open.get().devNum());
            return;
        }
        if (unlock.isEmpty()) {
            // 3.9.2's message when an encrypted pool is set up without an unlock method.
            throw new EngineException("No unlock mechanism was provided");
        }
        openCrypt(pool, unlock.get(), undo);
    }

    /** Opens the crypt device on the cap, registers its closing, and records its device number. */
    private void openCrypt(StratPool pool, Unlock unlock, Undo undo) throws EngineException, DmException {
        DmNames names = pool.names();
        Path cap = capNode(pool);
        services.crypt().open(cap, names.crypt(), unlock);
        undo.push("close " + names.crypt(), () -> services.stack().remove(names.crypt()));
        DmInfo info = services.dm().info(names.crypt())
                .orElseThrow(() -> new EngineException("cryptsetup opened " + names.crypt() + " but device-mapper does not list it"));
        pool.devices().put(names.crypt(), info.devNum());
    }

    /**
     * The device node of the pool's cap placeholder, where its LUKS2 header is.
     *
     * @param pool an encrypted V2 pool
     * @return {@code /dev/dm-<minor>}
     */
    static Path capNode(StratPool pool) {
        return Path.of(pool.devices().get(pool.names().cache()).dmNode());
    }

    /**
     * Reads the pool's bindings from its cap's LUKS2 header again, after a change to its tokens.
     *
     * @param pool an encrypted V2 pool
     * @throws EngineException if the header cannot be read
     */
    void rereadBindings(StratPool pool) throws EngineException {
        pool.encryption(services.crypt().bindings(capNode(pool), 0));
    }

    /** Zeroes V2's LUKS2 header area at the start of the cap placeholder (at creation: a stale header from an earlier pool goes). */
    private static void wipeHeader(StratPool pool) throws EngineException {
        zero(pool.devices().get(pool.names().cache()), (int) (Backstore.CRYPT_META_SECTORS * 512), pool.names().cache());
    }

    /**
     * Makes the cap device as large as the data tier's segments (which allocation appends to, or a
     * rollback shortens): originsub gets the segments' table and, in V2, the placeholder its new
     * size, in that order when growing and the reverse when shrinking; tables that already match are
     * left alone.
     *
     * @param pool the pool
     * @throws DmException naming the device the kernel refused
     */
    void resizeCap(StratPool pool) throws DmException {
        List<PlannedDevice> backstore = backstorePlan(pool);
        long live = services.dm().table(backstore.getLast().name()).stream().mapToLong(TargetLine::length).sum();
        List<PlannedDevice> order = new ArrayList<>(backstore);
        boolean shrinking = backstore.getLast().size() < live;
        if (shrinking) {
            Collections.reverse(order);
        }
        if (pool.backstore().encrypted() && shrinking) {
            resizeCrypt(pool, backstore.getLast().size());
        }
        for (PlannedDevice d : order) {
            services.stack().reloadIfChanged(d, pool.devices());
        }
        if (pool.backstore().encrypted() && !shrinking) {
            resizeCrypt(pool, backstore.getLast().size());
        }
    }

    /** The crypt device's size follows the cap's, less the header area (grown after the cap, shrunk before it). */
    private void resizeCrypt(StratPool pool, long capSectors) throws DmException {
        long sectors = capSectors - Backstore.CRYPT_META_SECTORS;
        long live = services.dm().table(pool.names().crypt()).stream().mapToLong(TargetLine::length).sum();
        if (live == sectors) {
            return;
        }
        try {
            services.crypt().resize(pool.names().crypt(), sectors, pool.encryption().orElseThrow());
        } catch (EngineException e) {
            throw new DmException(e.getMessage(), 0);
        }
    }

    private static Backstore backstore(int version, PoolSave save, List<Blockdev> devices, Optional<CacheTier> cache) {
        return new Backstore(version, new DataTier(devices, save.backstore().dataTier().blockdev().allocs().getFirst(),
                save.backstore().dataTier().integritySpec()), save.backstore().cap().allocs(),
                save.backstore().cap().cryptMetaAllocs(), cache, save.encrypted());
    }

    /** The pool's backstore devices as its tiers now have them, bottom up; the last is the cap. */
    private static List<PlannedDevice> backstorePlan(StratPool pool) {
        Backstore backstore = pool.backstore();
        return StackPlan.backstore(pool.names(), backstore.metadataVersion(), backstore.dataTier().segments(),
                backstore.cacheTier().map(CacheTier::save), blockdevNumbers(pool.blockdevs()));
    }

    /**
     * Puts a new cache tier under the pool's flex devices (real-engine spec §1.1; upstream's
     * {@code InitCache}): its metadata and cache sub-devices are created (the metadata's first 4 KiB
     * zeroed, so the kernel formats it) and, with the thin pool suspended, V2's placeholder
     * {@code physical-cache} is converted in place into a dm-cache device (same name, same device
     * number, so the flex devices above it are untouched); a V1 pool gets a new {@code physical-cache}
     * and its flex devices are moved onto it. Each step registers its reversal on {@code undo}.
     *
     * @param pool the pool, its backstore already holding the new tier
     * @param undo where each step's reversal is registered
     * @throws EngineException naming the device the kernel refused
     */
    void attachCache(StratPool pool, Undo undo) throws EngineException {
        DmNames names = pool.names();
        Map<String, DevNum> dm = pool.devices();
        List<PlannedDevice> plan = backstorePlan(pool);
        PlannedDevice cache = plan.getLast();
        try {
            services.stack().ensure(plan.get(1), dm, undo);
            zero(dm.get(names.metasub()), THIN_META_ZEROED, names.metasub());
            services.stack().ensure(plan.get(2), dm, undo);
            services.dm().suspend(names.thinpool());
            undo.push("resume " + names.thinpool(), () -> services.dm().resume(names.thinpool(), UdevRules.PRIVATE));
            if (pool.backstore().metadataVersion() == 2) {
                PlannedDevice placeholder = StackPlan.placeholder(names, cache.size());
                undo.push("give " + names.cache() + " its linear table back", () -> services.stack().reload(placeholder, dm));
                services.stack().reload(cache, dm);
            } else {
                services.stack().ensure(cache, dm, undo);
                for (PlannedDevice flex : StackPlan.flexForSetup(names, names.originsub(), pool.flexDevs())) {
                    undo.push("move " + flex.name() + " back onto " + names.originsub(), () -> services.stack().reload(flex, dm));
                }
                for (PlannedDevice flex : StackPlan.flexForSetup(names, names.cache(), pool.flexDevs())) {
                    services.stack().reload(flex, dm);
                }
            }
            services.dm().resume(names.thinpool(), UdevRules.PRIVATE);
        } catch (DmException e) {
            throw new EngineException("Cannot set up the cache of pool " + pool.name() + ": " + e.getMessage());
        }
    }

    /**
     * Makes the cache sub-device as large as the cache tier's segments after {@code AddCacheDevs}:
     * with the thin pool and the cache suspended, {@code physical-cachesub} gets its new table and
     * the cache its table again (a new table is what lets dm-cache take a larger cache device).
     * If the kernel refuses, the old segments' table is put back and both resumed.
     *
     * @param pool   the pool, its cache tier already grown
     * @param before the cache sub-device's segments before
     * @throws EngineException naming the device the kernel refused
     */
    void growCache(StratPool pool, List<PoolSave.Segment> before) throws EngineException {
        DmNames names = pool.names();
        Map<String, DevNum> dm = pool.devices();
        List<PlannedDevice> plan = backstorePlan(pool);
        try {
            services.dm().suspend(names.thinpool());
            try {
                services.dm().suspend(names.cache());
                services.stack().reload(plan.get(2), dm);
                services.stack().reload(plan.getLast(), dm);
            } catch (DmException e) {
                EngineException failure = new EngineException("Cannot extend the cache of pool " + pool.name() + ": " + e.getMessage());
                try {
                    services.stack().reload(StackPlan.linear(names.cachesub(), before, blockdevNumbers(pool.blockdevs())), dm);
                    services.stack().reload(plan.getLast(), dm);
                } catch (DmException | RuntimeException again) {
                    failure.addSuppressed(again);
                    resumeQuietly(names.cache(), failure);
                }
                resumeQuietly(names.thinpool(), failure);
                throw failure;
            }
            services.dm().resume(names.thinpool(), UdevRules.PRIVATE);
        } catch (DmException e) {
            throw new EngineException("Cannot extend the cache of pool " + pool.name() + ": " + e.getMessage());
        }
    }

    private void resumeQuietly(String name, Exception failure) {
        try {
            services.dm().resume(name, UdevRules.PRIVATE);
        } catch (DmException e) {
            failure.addSuppressed(e);
        }
    }

    private static Map<UUID, DevNum> blockdevNumbers(List<Blockdev> devices) {
        Map<UUID, DevNum> numbers = new HashMap<>();
        devices.forEach(d -> numbers.put(d.uuid(), d.devNum()));
        return numbers;
    }

    private static void zero(DevNum device, int bytes, String name) throws EngineException {
        try (FileChannel out = FileChannel.open(Path.of(device.dmNode()), StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(Math.min(bytes, 1 << 20));
            long at = 0;
            while (at < bytes) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - at));
                at += out.write(zeros, at);
            }
            out.force(true);
        } catch (IOException e) {
            throw new EngineException("Cannot zero the first " + bytes + " bytes of " + name + ": " + e.getMessage());
        }
    }


    /**
     * The running pools' thin-pool usage as last read; safe without any lock.
     *
     * @return an unmodifiable live view, by pool UUID
     */
    Map<UUID, ThinPoolUsage> usage() {
        return Collections.unmodifiableMap(usage);
    }
}
