package org.storage.stratisd.engine.strat.pool;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.engine.Actions.Change;
import org.storage.stratisd.engine.Actions.DestroyFilesystemsAction;
import org.storage.stratisd.engine.Actions.PoolCheckAction;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.FilesystemSpec;
import org.storage.stratisd.engine.NameValidation;
import org.storage.stratisd.engine.PoolRules;
import org.storage.stratisd.engine.TokenSlots;
import org.storage.stratisd.engine.strat.backstore.Blockdev;
import org.storage.stratisd.engine.strat.backstore.CacheTier;
import org.storage.stratisd.engine.strat.backstore.PoolInitializer;
import org.storage.stratisd.engine.strat.crypt.PoolCrypt;
import org.storage.stratisd.engine.strat.crypt.Unlock;
import org.storage.stratisd.engine.strat.dm.DmException;
import org.storage.stratisd.engine.strat.dm.DmNames;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSaveCodec;
import org.storage.stratisd.engine.strat.stack.Undo;
import org.storage.stratisd.engine.strat.thinpool.FilesystemSave;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.ThinPoolUsage;
import org.storage.stratisd.json.Json;

/**
 * The real engine's running pools and every operation on them, on real devices: creation on new
 * devices, set-up from metadata, stopping and destroying, filesystems, settings, and the checks
 * of the device-mapper event task. Failures undo what the operation did and name the layer and
 * the device.
 *
 * <p>Locking is the engine caller's (see {@code Engine}): the table changes under write-all, one
 * pool under its write lock. {@link #poolsWithEvents} is the exception: the event task calls it
 * without a lock, and it reads only the table's UUIDs and its own bookkeeping.
 */
public final class Pools {

    private static final Logger log = LoggerFactory.getLogger(Pools.class);

    private final Services services;
    private final PoolInitializer initializer;
    private final PoolStack stack;
    private final PoolFilesystems filesystems;
    private final PoolChecks checks;
    private final PoolTable table = new PoolTable();
    /**
     * The event counters of each running pool's devices as the event task last saw them. Written
     * and read only by the event task (through {@link #poolsWithEvents}); concurrent so that stopping
     * a pool can drop its entry.
     */
    private final Map<UUID, Map<String, Long>> seenEvents = new ConcurrentHashMap<>();

    /**
     * Creates the pool operations.
     *
     * @param services    device-mapper, mounts, tools, events
     * @param initializer checks and initialises new devices
     */
    public Pools(Services services, PoolInitializer initializer) {
        this.services = services;
        this.initializer = initializer;
        this.stack = new PoolStack(services);
        this.filesystems = new PoolFilesystems(services, stack);
        this.checks = new PoolChecks(services, stack);
    }

    // ---- the table

    /**
     * A running pool's snapshot.
     *
     * @param uuid the pool
     * @return its view, or empty if it does not run
     */
    public Optional<PoolView> view(UUID uuid) {
        return table.get(uuid).map(StratPool::view);
    }

    /**
     * Each running pool's thin-pool usage as last read; unlike the rest of the table, safe without a lock.
     *
     * @return by pool UUID
     */
    public Map<UUID, ThinPoolUsage> thinUsage() {
        return stack.usage();
    }

    /** @return every running pool's snapshot, in a stable order */
    public List<PoolView> views() {
        return table.all().stream().map(StratPool::view).toList();
    }

    /**
     * The UUID of a running pool of that name.
     *
     * @param name the name
     * @return its UUID, if one runs
     */
    public Optional<UUID> byName(String name) {
        return table.byName(name).map(StratPool::uuid);
    }

    /**
     * Whether a pool runs.
     *
     * @param uuid the pool
     * @return true if it does
     */
    public boolean running(UUID uuid) {
        return table.get(uuid).isPresent();
    }

    // ---- creating, setting up, stopping, destroying

    /**
     * Creates a version 2 pool on new devices: their BDAs, then the stack, then its first
     * metadata. A failure removes what was created and wipes the signature blocks again.
     *
     * @param name      the pool's name (validated)
     * @param devices   the devices, checked by the initializer
     * @param integrity the integrity settings
     * @param key       encrypted: the key description the cap's LUKS2 header binds
     * @return the new pool's snapshot
     * @throws EngineException naming the device or layer that failed
     */
    public PoolView create(String name, List<Path> devices, PoolSave.IntegritySpec integrity, Optional<PoolCrypt.KeyBinding> key)
            throws EngineException {
        PoolInitializer.Initialised init = initializer.initialise(name, devices, integrity, key.isPresent());
        Undo undo = new Undo();
        undo.push("wipe the signature blocks of " + devices, () -> {
            String result = PoolInitializer.wipe(init.devices().stream().map(Blockdev::devnode).toList());
            if (result.contains("could not wipe")) {
                throw new IOException(result);
            }
        });
        StratPool pool;
        try {
            pool = stack.create(init.poolUuid(), init.layout(), init.devices(), key, undo);
        } catch (EngineException | RuntimeException e) {
            throw new EngineException("Cannot create pool " + name + ": " + e.getMessage() + undo.rollBack());
        }
        undo.commit();
        table.put(pool);
        log.info("Created pool {} ({}) on {}", name, init.poolUuid(), devices);
        return pool.view();
    }

    /**
     * Sets a pool up from its metadata (start-up, {@code StartPool}, a device appearing).
     *
     * @param poolUuid   the pool
     * @param version    its metadata version
     * @param save       its newest metadata
     * @param devices    its data devices, in metadata order
     * @param lastUpdate when that metadata was written
     * @param unlock     V2 encrypted: how to unlock; empty for no unlock method
     * @return the running pool's snapshot
     * @throws EngineException naming the layer and the device that failed; what it set up is removed again
     */
    public PoolView setup(UUID poolUuid, int version, PoolSave save, List<Blockdev> devices, List<Blockdev> cacheDevices,
                          Instant lastUpdate, boolean cacheDropped, Optional<Unlock> unlock) throws EngineException {
        Optional<StratPool> sameName = table.byName(save.name());
        if (sameName.isPresent()) {
            throw new EngineException("There is a pool name conflict. The devices currently being processed have been identified"
                    + " as belonging to the pool with UUID " + poolUuid + " and name " + save.name()
                    + ", but a pool with the same name and UUID " + sameName.get().uuid() + " is already active");
        }
        Undo undo = new Undo();
        StratPool pool;
        try {
            pool = stack.setup(poolUuid, version, save, devices, cacheDevices, lastUpdate, cacheDropped, unlock, undo);
        } catch (EngineException | RuntimeException e) {
            throw new EngineException("An attempt to set up pool with UUID " + poolUuid + " from the assembled devices failed: "
                    + e.getMessage() + undo.rollBack());
        }
        undo.commit();
        table.put(pool);
        log.info("Pool with name \"{}\" and UUID \"{}\" set up", save.name(), poolUuid);
        return pool.view();
    }

    /**
     * Whether a running pool is encrypted, without building its snapshot.
     *
     * @param uuid the pool
     * @return true if it runs and its cap has bindings
     */
    public boolean encrypted(UUID uuid) {
        return table.get(uuid).flatMap(StratPool::encryption).isPresent();
    }

    /**
     * Whether a pool's V2 crypt device is open (so its set-up needs no unlock method).
     *
     * @param pool the pool
     * @return true if device-mapper lists {@code stratis-1-private-P32-crypt}
     */
    public boolean cryptOpen(UUID pool) {
        try {
            return services.dm().info(new DmNames(pool).crypt()).isPresent();
        } catch (DmException e) {
            log.warn("Cannot look for the crypt device of pool {}: {}", pool, e.getMessage());
            return false;
        }
    }

    /**
     * The bindings of an encrypted V2 pool's cap, read from its LUKS2 header where the cap begins
     * on a data device (for a pool that is not running).
     *
     * @param device the data device holding the cap's first sector
     * @param at     that sector's byte offset on it
     * @return the bindings, or empty if there is no Stratis LUKS2 header there
     * @throws EngineException if the device cannot be read
     */
    public Optional<Encryption> capBindings(Path device, long at) throws EngineException {
        return services.crypt().bindings(device, at);
    }

    /**
     * Stops a running pool: its devices torn down, its metadata recording {@code started: false}.
     *
     * @param uuid the pool
     * @return whether the stop recorded the pool as stopped
     * @throws EngineException if a filesystem is in use (the pool keeps running) or a device cannot be removed
     */
    public boolean stop(UUID uuid) throws EngineException {
        StratPool pool = table.get(uuid).orElseThrow(() -> new EngineException("No pool associated with uuid " + uuid));
        stack.teardown(pool, true);
        table.remove(uuid);
        seenEvents.remove(uuid);
        log.info("Stopped pool {} ({})", pool.name(), uuid);
        return true;
    }

    /**
     * Destroys a running pool that has no filesystems: its devices torn down and its signature blocks wiped.
     *
     * @param uuid the pool
     * @return true if a pool was destroyed, false if none ran
     * @throws EngineException when filesystems remain or a device cannot be removed or wiped
     */
    public boolean destroy(UUID uuid) throws EngineException {
        Optional<StratPool> found = table.get(uuid);
        if (found.isEmpty()) {
            return false;
        }
        StratPool pool = found.get();
        if (!pool.filesystems().isEmpty()) {
            throw new EngineException("filesystems remaining on pool");
        }
        stack.teardown(pool, false);
        table.remove(uuid);
        seenEvents.remove(uuid);
        String wiped = PoolInitializer.wipe(pool.blockdevs().stream().map(Blockdev::devnode).toList());
        if (wiped.contains("could not wipe")) {
            throw new EngineException("Pool " + pool.name() + " was torn down but its devices were not all wiped" + wiped);
        }
        log.info("Destroyed pool {} ({})", pool.name(), uuid);
        return true;
    }

    // ---- pool settings

    /**
     * Renames a pool: its metadata rewritten, its filesystems' links renamed.
     *
     * @param uuid    the pool
     * @param newName the new name (validated)
     * @return renamed, identity, or no source
     * @throws EngineException if the name is taken or the metadata cannot be written
     */
    public RenameAction rename(UUID uuid, String newName) throws EngineException {
        Optional<StratPool> found = table.get(uuid);
        if (found.isEmpty()) {
            return new RenameAction.NoSource();
        }
        StratPool pool = found.get();
        if (pool.name().equals(newName)) {
            return new RenameAction.Identity();
        }
        if (table.byName(newName).isPresent()) {
            throw new EngineException("A pool with name " + newName + " already exists");
        }
        String old = pool.name();
        pool.rename(newName);
        try {
            stack.save(pool, true);
        } catch (EngineException e) {
            pool.rename(old);
            throw e;
        }
        pool.filesystems().values().forEach(fs -> stack.announce(pool, fs));
        return new RenameAction.Renamed();
    }

    /**
     * Raises the filesystem limit, growing the thin metadata first.
     *
     * @param uuid  the pool
     * @param limit the new limit
     * @throws EngineException if it is not greater, exceeds the metadata volume, or the metadata cannot grow
     */
    public void setFsLimit(UUID uuid, long limit) throws EngineException {
        StratPool pool = pool(uuid);
        if (pool.fsLimit() >= limit) {
            throw new EngineException("New filesystem limit must be greater than the current limit");
        }
        long max;
        try {
            max = pool.mdv().capacity();
        } catch (IOException e) {
            throw new EngineException("Cannot examine the metadata volume of pool " + pool.name() + ": " + e.getMessage());
        }
        if (limit > max) {
            throw new EngineException("Currently Stratis can only handle a filesystem limit of up to " + max);
        }
        checks.extendMeta(pool, OptionalLong.of(limit), false);
        long old = pool.fsLimit();
        pool.fsLimit(limit);
        try {
            stack.save(pool, true);
        } catch (EngineException e) {
            pool.fsLimit(old);
            throw e;
        }
    }

    /**
     * Allows or forbids overprovisioning; forbidding it needs the filesystems to fit already.
     *
     * @param uuid    the pool
     * @param allowed the new setting
     * @throws EngineException if forbidding it is refused or the metadata cannot be written
     */
    public void setOverprovisioning(UUID uuid, boolean allowed) throws EngineException {
        StratPool pool = pool(uuid);
        if (pool.overprovisioning() == allowed) {
            return;
        }
        if (!allowed) {
            long limit = PoolChecks.roomForData(pool);
            long sum = pool.filesystemsSize();
            if (sum > limit) {
                throw new EngineException("Cannot disable overprovisioning on a pool that is already overprovisioned; the sum of the"
                        + " logical sizes of all filesystems and snapshots (" + sum + " sectors) must be less than the data space"
                        + " available to the thin pool (" + limit + " sectors) to disable overprovisioning");
            }
        } else {
            pool.outOfMetaSpace(false);
        }
        pool.overprovisioning(allowed);
        try {
            stack.save(pool, true);
        } catch (EngineException e) {
            pool.overprovisioning(!allowed);
            throw e;
        }
    }

    /**
     * Sets or clears a block device's label; the metadata is rewritten only if it changed.
     *
     * @param uuid     the pool
     * @param device   the device
     * @param userInfo the label
     * @return changed, identity, or no source
     * @throws EngineException if the label is invalid or the metadata cannot be written
     */
    public RenameAction setUserInfo(UUID uuid, UUID device, Optional<String> userInfo) throws EngineException {
        StratPool pool = pool(uuid);
        if (userInfo.isPresent()) {
            NameValidation.checkName(userInfo.get());
        }
        Optional<Blockdev> dev = pool.blockdevs().stream().filter(d -> d.uuid().equals(device)).findFirst();
        if (dev.isEmpty()) {
            return new RenameAction.NoSource();
        }
        if (dev.get().userInfo().equals(userInfo)) {
            return new RenameAction.Identity();
        }
        Optional<String> old = dev.get().userInfo();
        dev.get().setUserInfo(userInfo);
        try {
            stack.save(pool, true);
        } catch (EngineException e) {
            dev.get().setUserInfo(old);
            throw e;
        }
        return new RenameAction.Renamed();
    }

    /**
     * Adds data devices: each checked and initialised with the pool's metadata version, appended
     * to the data tier; the pool leaves out-of-space mode, and the next check grows into them.
     *
     * @param uuid    the pool
     * @param devices the devices; those already in the pool are skipped
     * @return the devices added
     * @throws EngineException naming a device that cannot be used; nothing is added then
     */
    public List<Blockdev> addDataDevices(UUID uuid, List<Path> devices) throws EngineException {
        StratPool pool = pool(uuid);
        Set<Path> present = new HashSet<>();
        for (Blockdev d : pool.backstore().dataTier().devices()) {
            present.add(real(d.devnode()));
        }
        refuseTier(pool, devices, pool.backstore().cacheTier().map(CacheTier::devices).orElse(List.of()),
                ", but in the cache tier not the data tier");
        List<Path> fresh = devices.stream().filter(d -> !present.contains(real(d))).distinct().toList();
        if (fresh.isEmpty()) {
            return List.of();
        }
        List<Blockdev> added = initializer.addTo(uuid, pool.backstore().metadataVersion(), fresh,
                pool.backstore().dataTier().integritySpec(), Optional.of(pool.backstore().dataTier().devices().getFirst().devnode()));
        pool.backstore().dataTier().add(added);
        try {
            stack.save(pool, true);
        } catch (EngineException e) {
            pool.backstore().dataTier().remove(added);
            throw new EngineException(e.getMessage() + "; the new devices " + fresh + " were initialised but are not recorded"
                    + PoolInitializer.wipe(fresh));
        }
        pool.outOfMetaSpace(false);
        if (checks.setErrorMode(pool, false)) {
            stack.save(pool, true);
        }
        return added;
    }

    /**
     * Gives a pool a cache tier (upstream's {@code InitCache}): the devices are checked and get
     * BDAs of the pool's metadata version (no integrity reservation: the cache tier has none), the
     * tier takes 512 MiB of them for the cache's metadata and the rest for the cache, the stack is
     * converted ({@link PoolStack#attachCache}) and the metadata records the tier. A failure at any
     * step undoes the earlier ones and wipes the new BDAs: the pool runs on without a cache.
     *
     * @param uuid    the pool
     * @param devices the devices
     * @return the cache devices, or empty if the pool already has a cache of exactly these devices
     * @throws EngineException with upstream's message for bad input, or naming the layer and device that failed
     */
    public List<Blockdev> initCache(UUID uuid, List<Path> devices) throws EngineException {
        StratPool pool = pool(uuid);
        if (pool.backstore().cacheTier().isPresent()) {
            Set<String> existing = new TreeSet<>();
            pool.backstore().cacheTier().get().devices().forEach(d -> existing.add(d.devnode().toString()));
            Set<String> requested = new TreeSet<>(devices.stream().map(Path::toString).toList());
            if (existing.equals(requested)) {
                return List.of();
            }
            throw new EngineException(PoolRules.cacheDifferenceMessage(requested, existing));
        }
        if (devices.isEmpty()) {
            // 3.9.2's message (the simulator's differs).
            throw new EngineException("At least one device is required to initialize a cache.");
        }
        refuseTier(pool, devices, pool.backstore().dataTier().devices(), " in the data tier");
        List<Blockdev> added = initializer.addTo(uuid, pool.backstore().metadataVersion(), devices, Optional.empty(),
                Optional.of(pool.backstore().dataTier().devices().getFirst().devnode()));
        Undo undo = new Undo();
        try {
            CacheTier tier = CacheTier.initialise(added);
            pool.backstore().cacheTier(Optional.of(tier));
            undo.push("take the cache tier out of pool " + pool.name(), () -> pool.backstore().cacheTier(Optional.empty()));
            stack.attachCache(pool, undo);
            stack.save(pool, true);
        } catch (EngineException | RuntimeException e) {
            String undone = undo.rollBack();
            throw new EngineException(e.getMessage() + undone + PoolInitializer.wipe(devices));
        }
        undo.commit();
        log.info("Pool {} has a cache tier on {}", pool.name(), devices);
        return added;
    }

    /**
     * Adds devices to a pool's cache tier (upstream's {@code AddCacheDevs}): checked and given BDAs,
     * all their space goes to the cache, whose sub-device grows ({@link PoolStack#growCache}); the
     * metadata records them. A failure gives the segments back and wipes the new BDAs.
     *
     * @param uuid    the pool
     * @param devices the devices; those already in the cache tier are skipped
     * @return the devices added
     * @throws EngineException with upstream's message for bad input, or naming the layer and device that failed
     */
    public List<Blockdev> addCacheDevices(UUID uuid, List<Path> devices) throws EngineException {
        StratPool pool = pool(uuid);
        Optional<CacheTier> cache = pool.backstore().cacheTier();
        if (cache.isEmpty()) {
            // 3.9.2's message (the simulator's differs).
            throw new EngineException("No cache has been initialized for pool with UUID " + uuid + " and name " + pool.name()
                    + "; it is therefore impossible to add additional devices to the cache");
        }
        refuseTier(pool, devices, pool.backstore().dataTier().devices(), ", but in the data tier not the cache tier");
        Set<Path> present = new HashSet<>();
        cache.get().devices().forEach(d -> present.add(real(d.devnode())));
        List<Path> fresh = devices.stream().filter(d -> !present.contains(real(d))).distinct().toList();
        if (fresh.isEmpty()) {
            return List.of();
        }
        List<Blockdev> added = initializer.addTo(uuid, pool.backstore().metadataVersion(), fresh, Optional.empty(),
                Optional.of(cache.get().devices().getFirst().devnode()));
        List<PoolSave.Segment> before;
        try {
            before = cache.get().add(added);
        } catch (EngineException e) {
            throw new EngineException(e.getMessage() + PoolInitializer.wipe(fresh));
        }
        try {
            stack.growCache(pool, before);
        } catch (EngineException | RuntimeException e) {
            cache.get().rollback(added, before);
            throw new EngineException(e.getMessage() + PoolInitializer.wipe(fresh));
        }
        try {
            stack.save(pool, true);
        } catch (EngineException e) {
            // The cache sub-device keeps its larger table until the pool is next set up; the devices
            // it now also covers are wiped, and the recorded tier is the old one.
            cache.get().rollback(added, before);
            throw new EngineException(e.getMessage() + "; the new cache devices " + fresh + " are not recorded"
                    + PoolInitializer.wipe(fresh));
        }
        return added;
    }

    /** Refuses devices that are already in the other tier of this pool, with 3.9.2's message. */
    private static void refuseTier(StratPool pool, List<Path> devices, List<Blockdev> otherTier, String where) throws EngineException {
        Set<Path> other = new HashSet<>();
        otherTier.forEach(d -> other.add(real(d.devnode())));
        List<String> clash = devices.stream().filter(d -> other.contains(real(d))).distinct().map(Path::toString).toList();
        if (!clash.isEmpty()) {
            throw new EngineException("Devices (" + String.join(", ", clash) + ") appear to be already in use by this pool which has UUID "
                    + pool.uuid() + where);
        }
    }

    /**
     * Notes the sizes the running pools' devices have now: a device whose size differs from the
     * recorded one reports it as its new physical size, until {@code GrowPhysicalDevice}.
     *
     * @param sizeBytes a device's size now, if known
     * @return the pools whose reported sizes changed
     */
    public List<PoolView> noteSizes(Function<Path, OptionalLong> sizeBytes) {
        List<PoolView> changed = new ArrayList<>();
        for (StratPool pool : table.all()) {
            boolean any = false;
            for (Blockdev d : pool.backstore().dataTier().devices()) {
                OptionalLong bytes = sizeBytes.apply(d.devnode());
                if (bytes.isPresent()) {
                    any |= d.seen(bytes.getAsLong() / 512);
                }
            }
            if (any) {
                changed.add(pool.view());
            }
        }
        return changed;
    }

    /**
     * Lets the pool use a device's larger size: both signature-block copies rewritten with the new
     * size, and in V2 the integrity reservation topped up.
     *
     * @param uuid   the pool
     * @param device the device
     * @return whether it grew
     * @throws EngineException if the device is not in the pool or cannot be rewritten
     */
    public boolean growPhysicalDevice(UUID uuid, UUID device) throws EngineException {
        StratPool pool = pool(uuid);
        Blockdev dev = pool.backstore().dataTier().device(device)
                .orElseThrow(() -> new EngineException("Pool with UUID " + uuid + " has no block device with UUID " + device));
        if (!initializer.grow(uuid, dev, pool.backstore().metadataVersion(), pool.backstore().dataTier().integritySpec())) {
            return false;
        }
        checks.setErrorMode(pool, false);
        stack.save(pool, true);
        return true;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    // ---- filesystems

    /**
     * Creates filesystems.
     *
     * @param uuid  the pool
     * @param specs the requests
     * @return the created filesystems
     * @throws EngineException on a bad request or a failed step
     */
    public List<FilesystemView> createFilesystems(UUID uuid, List<FilesystemSpec> specs) throws EngineException {
        StratPool pool = pool(uuid);
        return filesystems.create(pool, specs).stream().map(fs -> fs.view(pool.name())).toList();
    }

    /**
     * Destroys filesystems.
     *
     * @param uuid    the pool
     * @param targets the filesystems
     * @return what was destroyed
     * @throws EngineException on a blocking revert or a failed removal
     */
    public DestroyFilesystemsAction destroyFilesystems(UUID uuid, Set<UUID> targets) throws EngineException {
        return filesystems.destroy(pool(uuid), targets);
    }

    /**
     * Snapshots a filesystem.
     *
     * @param uuid   the pool
     * @param origin the origin
     * @param name   the snapshot's name
     * @return the snapshot, or empty for an existing one of the same name and size
     * @throws EngineException on a bad request or a failed step
     */
    public Optional<FilesystemView> snapshot(UUID uuid, UUID origin, String name) throws EngineException {
        StratPool pool = pool(uuid);
        return filesystems.snapshot(pool, origin, name).map(fs -> fs.view(pool.name()));
    }

    /**
     * Renames a filesystem.
     *
     * @param uuid       the pool
     * @param filesystem the filesystem
     * @param newName    the new name
     * @return renamed, identity, or no source
     * @throws EngineException on a bad or taken name
     */
    public RenameAction renameFilesystem(UUID uuid, UUID filesystem, String newName) throws EngineException {
        return filesystems.rename(pool(uuid), filesystem, newName);
    }

    /**
     * Sets or clears a filesystem's size limit.
     *
     * @param uuid       the pool
     * @param filesystem the filesystem
     * @param limitBytes the limit
     * @return whether it changed
     * @throws EngineException on an unknown filesystem or a bad limit
     */
    public Change setSizeLimit(UUID uuid, UUID filesystem, Optional<BigInteger> limitBytes) throws EngineException {
        return filesystems.setSizeLimit(pool(uuid), filesystem, limitBytes);
    }

    /**
     * Schedules or cancels a revert.
     *
     * @param uuid       the pool
     * @param filesystem the snapshot
     * @param scheduled  the new setting
     * @return whether it changed
     * @throws EngineException on an unknown filesystem or a conflicting schedule
     */
    public Change setMergeScheduled(UUID uuid, UUID filesystem, boolean scheduled) throws EngineException {
        return filesystems.setMergeScheduled(pool(uuid), filesystem, scheduled);
    }

    // ---- metadata

    /**
     * The pool metadata as JSON: what would be written now, or what was written last.
     *
     * @param uuid    the pool
     * @param current now or last written
     * @return the document
     * @throws EngineException if the pool does not run
     */
    public String metadata(UUID uuid, boolean current) throws EngineException {
        StratPool pool = pool(uuid);
        return new String(PoolSaveCodec.write(current ? pool.record(true) : pool.lastWritten()), StandardCharsets.UTF_8);
    }

    /**
     * The filesystem records as JSON, by filesystem UUID.
     *
     * @param uuid       the pool
     * @param filesystem one filesystem's name, or all
     * @return the document
     * @throws EngineException if the pool does not run
     */
    public String filesystemMetadata(UUID uuid, Optional<String> filesystem) throws EngineException {
        Map<String, FilesystemSave> out = new LinkedHashMap<>();
        for (StratFilesystem fs : pool(uuid).filesystems().values()) {
            if (filesystem.isEmpty() || filesystem.get().equals(fs.name())) {
                out.put(fs.uuid().toString(), fs.record());
            }
        }
        return Json.write(out);
    }

    // ---- the device-mapper event task

    /**
     * The running pools whose event-raising devices (thin metadata, thin data, metadata volume,
     * thin pool, filesystems) changed their event counters since the last call, or appeared or
     * disappeared. Called by the event task alone, without the engine lock.
     *
     * @param counters every device-mapper device's event counter, by name
     * @return the pools to check
     */
    public Set<UUID> poolsWithEvents(Map<String, Long> counters) {
        Set<UUID> changed = new LinkedHashSet<>();
        for (UUID uuid : table.uuids()) {
            DmNames names = new DmNames(uuid);
            Set<String> fixed = Set.of(names.thinmeta(), names.thindata(), names.mdv(), names.thinpool());
            String fsPrefix = names.filesystemPrefix();
            Map<String, Long> mine = new HashMap<>();
            counters.forEach((name, nr) -> {
                if (fixed.contains(name) || name.startsWith(fsPrefix)) {
                    mine.put(name, nr);
                }
            });
            if (!mine.equals(seenEvents.put(uuid, mine))) {
                changed.add(uuid);
            }
        }
        seenEvents.keySet().retainAll(table.uuids());
        return changed;
    }

    /**
     * Checks a running pool (growth, out-of-space mode, filesystem growth).
     *
     * @param uuid the pool
     * @return its snapshot afterwards and whether it changed, or empty if it does not run
     */
    public Optional<PoolCheckAction> check(UUID uuid) {
        Optional<StratPool> pool = table.get(uuid);
        if (pool.isEmpty()) {
            return Optional.empty();
        }
        boolean changed = false;
        try {
            changed = checks.check(pool.get()) == PoolChecks.Outcome.CHANGED;
        } catch (EngineException e) {
            log.warn("Check of pool {} failed: {}", pool.get().name(), e.getMessage());
        }
        return Optional.of(new PoolCheckAction(pool.get().view(), changed));
    }

    // ---- bindings of an encrypted V2 pool

    /**
     * Binds another key description ({@code BindKeyring}), by the shared token-slot rules.
     *
     * @param uuid        the pool
     * @param description the key description, which must be in the keyring
     * @param slot        the token slot asked for, or empty for the lowest free one
     * @param legacy      the single-binding rules of the older revisions
     * @return whether a binding was added
     * @throws EngineException per the rules, or naming what cryptsetup answered
     */
    public boolean bindKeyring(UUID uuid, String description, Optional<Long> slot, boolean legacy) throws EngineException {
        StratPool pool = encryptedPool(uuid);
        TokenSlots slots = new TokenSlots(pool.encryption().orElseThrow());
        if (!slots.bindKeyring(description, slot, legacy)) {
            return false;
        }
        long added = changedSlot(slots.result(), pool.encryption().get());
        services.crypt().bind(PoolStack.capNode(pool), added, description);
        stack.rereadBindings(pool);
        log.info("Pool {} ({}): key description {} bound in token slot {}", pool.name(), uuid, description, added);
        return true;
    }

    /**
     * Removes a key description binding ({@code UnbindKeyring}); never the last binding.
     *
     * @param uuid the pool
     * @param slot the token slot, or empty for the lowest key description binding
     * @return whether a binding was removed
     * @throws EngineException per the rules, or naming what cryptsetup answered
     */
    public boolean unbindKeyring(UUID uuid, Optional<Long> slot) throws EngineException {
        StratPool pool = encryptedPool(uuid);
        TokenSlots slots = new TokenSlots(pool.encryption().orElseThrow());
        if (!slots.unbindKeyring(slot)) {
            return false;
        }
        long removed = changedSlot(pool.encryption().get(), slots.result());
        try {
            services.crypt().unbind(PoolStack.capNode(pool), removed);
        } finally {
            stack.rereadBindings(pool);
        }
        log.info("Pool {} ({}): token slot {} unbound", pool.name(), uuid, removed);
        return true;
    }

    /**
     * Binds a key description slot to another key description ({@code RebindKeyring}).
     *
     * @param uuid        the pool
     * @param description the new key description, which must be in the keyring
     * @param slot        the token slot, or empty for the lowest key description binding
     * @return whether the binding changed
     * @throws EngineException per the rules, or naming what cryptsetup answered
     */
    public boolean rebindKeyring(UUID uuid, String description, Optional<Long> slot) throws EngineException {
        StratPool pool = encryptedPool(uuid);
        Encryption before = pool.encryption().orElseThrow();
        TokenSlots slots = new TokenSlots(before);
        if (!slots.rebindKeyring(description, slot)) {
            return false;
        }
        long target = slots.result().slots().entrySet().stream().filter(e -> !e.getValue().equals(before.slots().get(e.getKey())))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        try {
            services.crypt().rebind(PoolStack.capNode(pool), target, description);
        } finally {
            stack.rereadBindings(pool);
        }
        log.info("Pool {} ({}): token slot {} rebound to key description {}", pool.name(), uuid, target, description);
        return true;
    }

    private StratPool encryptedPool(UUID uuid) throws EngineException {
        StratPool pool = pool(uuid);
        if (pool.encryption().isEmpty()) {
            // 3.9.2's message.
            throw new EngineException("Requested pool does not appear to be encrypted");
        }
        return pool;
    }

    /** The one slot that {@code more} has and {@code fewer} lacks. */
    private static long changedSlot(Encryption more, Encryption fewer) {
        return more.slots().keySet().stream().filter(s -> !fewer.slots().containsKey(s)).findFirst().orElseThrow();
    }

    /** @return the UUIDs of the running pools */
    public List<UUID> uuids() {
        return table.uuids();
    }

    private StratPool pool(UUID uuid) throws EngineException {
        return table.get(uuid).orElseThrow(() -> new EngineException("No pool associated with uuid " + uuid));
    }

}
