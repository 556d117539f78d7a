package org.storage.stratisd.engine.strat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.storage.stratisd.engine.Actions.Change;
import org.storage.stratisd.engine.Actions.DestroyFilesystemsAction;
import org.storage.stratisd.engine.Actions.PoolCheckAction;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.Actions.SetKeyAction;
import org.storage.stratisd.engine.Actions.SnapshotAction;
import org.storage.stratisd.engine.Actions.StartPoolAction;
import org.storage.stratisd.engine.Actions.StopPoolAction;
import org.storage.stratisd.engine.CreatePoolAction;
import org.storage.stratisd.engine.CreatePoolRequest;
import org.storage.stratisd.engine.DestroyPoolAction;
import org.storage.stratisd.engine.DeviceEvent;
import org.storage.stratisd.engine.EncryptionRequest;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.FilesystemSpec;
import org.storage.stratisd.engine.NameValidation;
import org.storage.stratisd.engine.PoolId;
import org.storage.stratisd.engine.PoolRules;
import org.storage.stratisd.engine.strat.assembly.AssemblyPlanner;
import org.storage.stratisd.engine.strat.assembly.PoolPlan;
import org.storage.stratisd.engine.strat.backstore.Blockdev;
import org.storage.stratisd.engine.strat.backstore.Integrity;
import org.storage.stratisd.engine.strat.backstore.PoolInitializer;
import org.storage.stratisd.engine.strat.crypt.PoolCrypt;
import org.storage.stratisd.engine.strat.crypt.Unlock;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity;
import org.storage.stratisd.engine.strat.keys.StratKeys;
import org.storage.stratisd.engine.strat.pool.Pools;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.StoppedPoolView;
import org.storage.stratisd.engine.view.ThinPoolUsage;
import org.storage.stratisd.engine.view.TokenBinding;
import org.storage.stratisd.json.Json;

/**
 * The real engine: it finds Stratis devices (a scan at start-up, then udev events), plans each
 * pool's assembly, sets up every pool that is ready and was running, and runs the pools on
 * device-mapper ({@link Pools}). A pool that is not running is known from its devices and listed
 * as stopped, with its plan's verdict (ready, stopped, locked, incomplete, invalid) in the reports.
 * Keys live in the kernel keyring ({@link StratKeys}). A version 2 pool can be encrypted with one
 * key description (LUKS2 on its cap, {@code PoolCrypt}) and unlocked by {@code StartPool} through
 * the keyring or with a passphrase, and its key description bindings changed; Clevis, the online
 * operations and version 1's per-device encryption are not implemented in this build: requests for
 * them are refused with a message that says so.
 *
 * <p>Not synchronised: callers hold the engine lock, as for every engine (the table of pools and
 * the plans change under write-all).
 */
public final class StratEngine implements Engine {

    /** The version this daemon reports. */
    public static final String VERSION = "3.9.2";
    private static final System.Logger LOG = System.getLogger(StratEngine.class.getName());
    private static final String NO_V1_ENCRYPTION = "this build of stratisd-java does not set up version 1 encrypted pools yet";
    private static final String NO_ONLINE = "this build of stratisd-java does not implement the online encryption operations yet";
    private static final String NO_CLEVIS = "this build of stratisd-java does not implement Clevis yet";

    private final DeviceInventory inventory;
    private final Pools pools;
    /** Thread-safe by itself: key calls take no engine lock, as upstream's do not. */
    private final StratKeys keys;
    /** Plans of the pools that do not run. */
    private List<PoolPlan> plans = List.of();
    /**
     * The bindings of the planned encrypted V2 pools, read from their LUKS2 headers when they are
     * planned (so listing stopped pools reads no device).
     */
    private Map<UUID, Encryption> plannedBindings = Map.of();
    /** Why the last set-up of a pool failed, for the reports; cleared when it runs. */
    private final Map<UUID, String> setupFailures = new TreeMap<>();

    /**
     * Creates the engine; {@link #start()} then finds and sets up the pools.
     *
     * @param inventory the machine's Stratis devices
     * @param pools     the running pools and their operations
     * @param keys      the Stratis keys in the kernel keyring
     */
    public StratEngine(DeviceInventory inventory, Pools pools, StratKeys keys) {
        this.inventory = inventory;
        this.pools = pools;
        this.keys = keys;
    }

    /**
     * The start-up scan: probes every block device, plans the pools found and sets up every pool
     * that is ready and whose metadata says it was running.
     *
     * @return the pools set up
     * @throws IOException if the devices cannot be listed
     */
    public List<PoolView> start() throws IOException {
        inventory.scan();
        return replanAndSetUp();
    }

    /**
     * The plans of the pools that do not run.
     *
     * @return one per pool found but not running
     */
    public List<PoolPlan> plans() {
        return plans;
    }

    /** Plans every pool that does not run, then sets up each that is ready; returns those set up. */
    private List<PoolView> replanAndSetUp() {
        List<PoolView> started = new ArrayList<>();
        for (PoolPlan plan : plan()) {
            // An encrypted V2 pool waits for StartPool with an unlock method, unless its crypt device
            // is open already (a daemon restart, the initramfs). Upstream tries and leaves it
            // partially constructed; this build leaves nothing set up (docs/real-engine.md, part 3).
            if (plan.decision() instanceof PoolPlan.Decision.Ready && (!encryptedV2(plan) || pools.cryptOpen(plan.poolUuid()))) {
                try {
                    started.add(setUp(plan, false, Optional.empty()));
                } catch (EngineException e) {
                    setupFailures.put(plan.poolUuid(), e.getMessage());
                    LOG.log(System.Logger.Level.WARNING, "Pool {0} was not set up: {1}", plan.poolUuid(), e.getMessage());
                }
            }
        }
        plan();
        return started;
    }

    private List<PoolPlan> plan() {
        plans = inventory.plan(pools::running);
        Map<UUID, Encryption> bindings = new TreeMap<>();
        plans.stream().filter(StratEngine::encryptedV2).forEach(p -> bindings.put(p.poolUuid(), stoppedBindings(p)));
        plannedBindings = bindings;
        for (PoolPlan plan : plans) {
            LOG.log(System.Logger.Level.INFO, "Pool {0} ({1}): {2}: {3}", plan.poolUuid(), plan.name().orElse("name unknown"),
                    plan.decision().label(), plan.decision().reason());
        }
        return plans;
    }

    /**
     * Sets a planned pool up. Without its cache ({@code StartPool} with {@code remove_cache}), the
     * pool is set up from its metadata minus the cache tier, which is then recorded, and only then
     * are the cache devices that are present wiped (as upstream: the cache is write-through, so
     * the data tier holds every write).
     */
    private PoolView setUp(PoolPlan plan, boolean removeCache, Optional<Unlock> unlock) throws EngineException {
        PoolSave save = plan.metadata().orElseThrow();
        boolean dropCache = removeCache && save.backstore().cacheTier().isPresent();
        List<Path> dropped = new ArrayList<>();
        if (dropCache) {
            Set<UUID> cacheUuids = new LinkedHashSet<>();
            save.backstore().cacheTier().get().blockdev().devs().forEach(d -> cacheUuids.add(d.uuid()));
            plan.devices().stream().filter(d -> cacheUuids.contains(AssemblyPlanner.deviceOf(d))).forEach(d -> dropped.add(d.devnode()));
            save = save.withoutCacheTier();
        }
        List<Blockdev> devices = PlannedDevices.dataTier(plan);
        List<Blockdev> cacheDevices = dropCache ? List.of() : PlannedDevices.cacheTier(plan);
        PoolView view = pools.setup(plan.poolUuid(), plan.metadataVersion().orElse(1), save, devices, cacheDevices,
                PlannedDevices.lastUpdate(plan), dropCache, unlock);
        setupFailures.remove(plan.poolUuid());
        if (!dropped.isEmpty()) {
            String wiped = PoolInitializer.wipe(dropped);
            LOG.log(System.Logger.Level.INFO, "Pool {0} started without its cache; cache devices {1}{2}", plan.poolUuid(), dropped,
                    wiped);
            dropped.forEach(d -> inventory.identify(d, false));
        }
        return view;
    }

    // ---- pools

    @Override
    public CreatePoolAction createPool(CreatePoolRequest request) throws EngineException {
        NameValidation.checkName(request.name());
        NameValidation.checkAbsolute(request.devices());
        PoolRules.checkJournal(request.journalSizeBytes());
        if (request.encryption().isEncrypted()) {
            // Upstream's order (D-Bus spec §2.1.1, step 4): after the name, the paths and the journal size,
            // every key description must be in the kernel keyring.
            for (EncryptionRequest.Requested requested : request.encryption().bindings()) {
                if (requested.binding() instanceof TokenBinding.Key key && !keys.present(key.description())) {
                    throw new EngineException("Key with key description " + key.description() + " not found in kernel keyring");
                }
            }
        }
        Set<String> requested = new LinkedHashSet<>(request.devices());
        Optional<UUID> existing = pools.byName(request.name());
        if (existing.isPresent()) {
            Set<String> current = new LinkedHashSet<>();
            pools.view(existing.get()).orElseThrow().blockdevs().forEach(b -> current.add(b.devnode()));
            if (current.equals(requested)) {
                return new CreatePoolAction.Identity();
            }
            throw new EngineException(PoolRules.differenceMessage(request.name(), requested, current));
        }
        if (requested.isEmpty()) {
            throw new EngineException("At least one blockdev is required to create a pool.");
        }
        for (PoolPlan plan : plans) {
            if (plan.name().equals(Optional.of(request.name()))) {
                throw new EngineException("Pool " + request.name() + " already exists but is not running (UUID " + plan.poolUuid()
                        + "); start it, or choose another name");
            }
        }
        PoolSave.IntegritySpec integrity = new PoolSave.IntegritySpec(
                request.tagSpec().orElse(Integrity.DEFAULT.tagSpec()),
                request.journalSizeBytes().map(b -> b / 512).orElse(Integrity.DEFAULT.journalSize()),
                Integrity.DEFAULT.blockSize(),
                request.allocateSuperblock().orElse(Integrity.DEFAULT.allocateSuperblock()));
        PoolView created = pools.create(request.name(), requested.stream().map(Path::of).toList(), integrity,
                PoolCrypt.KeyBinding.of(request.name(), request.encryption()));
        for (BlockdevView dev : created.blockdevs()) {
            inventory.identify(Path.of(dev.devnode()), false);
        }
        return new CreatePoolAction.Created(created);
    }

    @Override
    public DestroyPoolAction destroyPool(UUID pool) throws EngineException {
        Optional<PoolView> view = pools.view(pool);
        if (view.isEmpty() || !pools.destroy(pool)) {
            return new DestroyPoolAction.Identity();
        }
        for (BlockdevView dev : view.get().blockdevs()) {
            inventory.forget(Path.of(dev.devnode()));
        }
        return new DestroyPoolAction.Deleted(pool);
    }

    @Override
    public RenameAction renamePool(UUID pool, String newName) throws EngineException {
        NameValidation.checkName(newName);
        return pools.rename(pool, newName);
    }

    @Override
    public void setFsLimit(UUID pool, long limit) throws EngineException {
        pools.setFsLimit(pool, limit);
    }

    @Override
    public void setOverprovisioning(UUID pool, boolean allowed) throws EngineException {
        pools.setOverprovisioning(pool, allowed);
    }

    @Override
    public List<BlockdevView> addDataDevices(UUID pool, List<String> devices) throws EngineException {
        NameValidation.checkAbsolute(devices);
        if (!pools.running(pool)) {
            throw noPool(pool);
        }
        return identified(pool, pools.addDataDevices(pool, devices.stream().map(Path::of).toList()));
    }

    @Override
    public List<BlockdevView> initCache(UUID pool, List<String> devices, boolean allowEncrypted) throws EngineException {
        NameValidation.checkAbsolute(devices);
        if (!pools.running(pool)) {
            throw noPool(pool);
        }
        if (!allowEncrypted && pools.encrypted(pool)) {
            // 3.9.2's message for the revisions (r0-r2) whose InitCache predates caches under encryption.
            throw new EngineException("Use of a cache is not supported with an encrypted pool");
        }
        return identified(pool, pools.initCache(pool, devices.stream().map(Path::of).toList()));
    }

    @Override
    public List<BlockdevView> addCacheDevices(UUID pool, List<String> devices) throws EngineException {
        NameValidation.checkAbsolute(devices);
        if (!pools.running(pool)) {
            throw noPool(pool);
        }
        return identified(pool, pools.addCacheDevices(pool, devices.stream().map(Path::of).toList()));
    }

    /** The views of devices just added to a pool, each identified again by the inventory (now a member). */
    private List<BlockdevView> identified(UUID pool, List<Blockdev> added) {
        List<UUID> uuids = added.stream().map(Blockdev::uuid).toList();
        List<BlockdevView> views = pools.view(pool).orElseThrow().blockdevs().stream().filter(b -> uuids.contains(b.uuid())).toList();
        for (BlockdevView dev : views) {
            inventory.identify(Path.of(dev.devnode()), false);
        }
        return views;
    }

    @Override
    public boolean growPhysicalDevice(UUID pool, UUID device) throws EngineException {
        return pools.growPhysicalDevice(pool, device);
    }

    @Override
    public RenameAction setUserInfo(UUID pool, UUID device, Optional<String> userInfo) throws EngineException {
        return pools.setUserInfo(pool, device, userInfo);
    }

    @Override
    public Optional<PoolView> pool(UUID pool) {
        return pools.view(pool);
    }

    @Override
    public List<PoolView> pools() {
        return pools.views();
    }

    // ---- stopping and starting

    /** The running pool a stop or start names, if one runs. */
    private Optional<UUID> running(PoolId id) {
        return switch (id) {
            case PoolId.ByUuid byUuid -> pools.running(byUuid.uuid()) ? Optional.of(byUuid.uuid()) : Optional.empty();
            case PoolId.ByName byName -> pools.byName(byName.name());
        };
    }

    @Override
    public StopPoolAction stopPool(PoolId id) throws EngineException {
        Optional<UUID> running = running(id);
        if (running.isPresent()) {
            List<BlockdevView> devices = pools.view(running.get()).orElseThrow().blockdevs();
            pools.stop(running.get());
            devices.forEach(d -> inventory.identify(Path.of(d.devnode()), false));
            plan();
            return new StopPoolAction.Stopped(running.get(), false);
        }
        if (find(id).isPresent()) {
            return new StopPoolAction.Identity();
        }
        throw new EngineException("Pool with UUID " + id + " could not be found and cannot be stopped");
    }

    @Override
    public StartPoolAction startPool(PoolId id, Optional<Optional<Long>> unlockMethod, Optional<byte[]> passphrase,
                                     boolean removeCache) throws EngineException {
        Optional<UUID> running = running(id);
        if (running.isPresent()) {
            boolean encrypted = pools.encrypted(running.get());
            if (unlockMethod.isPresent() && !encrypted) {
                throw new EngineException("Pool with UUID " + running.get() + " is not encrypted but an unlock method was provided");
            }
            if (passphrase.isPresent() && !encrypted) {
                throw new EngineException("Pool with UUID " + running.get() + " is not encrypted but a passphrase was provided");
            }
            return new StartPoolAction.Identity();
        }
        PoolPlan plan = find(id).orElseThrow(() -> new EngineException(switch (id) {
            case PoolId.ByName byName -> "Could not find a pool with name " + byName.name();
            case PoolId.ByUuid byUuid -> "Requested pool with UUID " + byUuid.uuid()
                    + " was not found in stopped or partially constructed pools";
        }));
        if (plan.decision() instanceof PoolPlan.Decision.Locked) {
            throw new EngineException("Pool with UUID " + plan.poolUuid() + " cannot be started: " + NO_V1_ENCRYPTION);
        }
        boolean encrypted = encryptedV2(plan);
        if (!encrypted && (unlockMethod.isPresent() || passphrase.isPresent())) {
            throw new EngineException("Pool with UUID " + plan.poolUuid()
                    + " is not encrypted but an unlock method or passphrase was provided");
        }
        // A passphrase alone opens the crypt device on any keyslot; with an unlock method, on its token's.
        Optional<Unlock> unlock = encrypted && (unlockMethod.isPresent() || passphrase.isPresent())
                ? Optional.of(new Unlock(unlockMethod.orElse(Optional.empty()), passphrase)) : Optional.empty();
        boolean startable = plan.decision() instanceof PoolPlan.Decision.Ready
                || plan.decision() instanceof PoolPlan.Decision.StoppedByRequest
                || removeCache && onlyCacheMissing(plan);
        if (!startable) {
            throw new EngineException("Pool with UUID " + plan.poolUuid() + " cannot be started: " + plan.decision().reason());
        }
        PoolView view;
        try {
            view = setUp(plan, removeCache, unlock);
        } catch (EngineException e) {
            setupFailures.put(plan.poolUuid(), e.getMessage());
            throw e;
        }
        plan();
        return new StartPoolAction.Started(view);
    }

    /** Whether the pool lacks nothing but cache devices: then it can start without its cache. */
    private static boolean onlyCacheMissing(PoolPlan plan) {
        if (!(plan.decision() instanceof PoolPlan.Decision.Incomplete incomplete) || incomplete.missing().isEmpty()
                || plan.metadata().flatMap(m -> m.backstore().cacheTier()).isEmpty()) {
            return false;
        }
        Set<UUID> cache = new LinkedHashSet<>();
        plan.metadata().get().backstore().cacheTier().get().blockdev().devs().forEach(d -> cache.add(d.uuid()));
        return cache.containsAll(incomplete.missing());
    }

    /** Whether a planned pool is a version 2 pool whose metadata records encryption of its cap. */
    private static boolean encryptedV2(PoolPlan plan) {
        return plan.metadataVersion().orElse(1) == 2 && plan.metadata().map(PoolSave::encrypted).orElse(false);
    }

    private Optional<PoolPlan> find(PoolId id) throws EngineException {
        return switch (id) {
            case PoolId.ByUuid byUuid -> plans.stream().filter(p -> p.poolUuid().equals(byUuid.uuid())).findFirst();
            case PoolId.ByName byName -> {
                List<PoolPlan> named = plans.stream().filter(p -> p.name().equals(Optional.of(byName.name()))).toList();
                if (named.size() > 1) {
                    throw new EngineException("Found conflicting UUIDs for the same pool name: "
                            + String.join(", ", named.stream().map(p -> p.poolUuid().toString()).toList())
                            + "; please use UUID for operation");
                }
                yield named.stream().findFirst();
            }
        };
    }

    @Override
    public List<StoppedPoolView> stoppedPools() {
        List<StoppedPoolView> out = new ArrayList<>();
        for (PoolPlan plan : plans) {
            List<BlockdevView> devices = plan.devices().stream().map(d -> PlannedDevices.view(plan, d)).toList();
            Optional<Encryption> encryption = Optional.empty();
            if (plan.decision() instanceof PoolPlan.Decision.Locked locked) {
                TreeMap<Long, TokenBinding> slots = new TreeMap<>();
                locked.keyDescriptions().stream().findFirst().ifPresent(k -> slots.put(1L, new TokenBinding.Key(k)));
                encryption = Optional.of(new Encryption(slots));
            } else if (encryptedV2(plan)) {
                encryption = Optional.of(plannedBindings.get(plan.poolUuid()));
            }
            StoppedPoolView.Condition condition = encryptedV2(plan) && plan.decision() instanceof PoolPlan.Decision.Ready
                    ? StoppedPoolView.Condition.LOCKED : condition(plan.decision());
            out.add(new StoppedPoolView(plan.poolUuid(), plan.name(), devices, encryption,
                    plan.metadataVersion().map(Integer::longValue), condition));
        }
        return out;
    }

    /**
     * A stopped encrypted V2 pool's bindings, read from the LUKS2 header at the start of its cap,
     * which is where the data tier's first segment begins; none if that device is absent or unreadable.
     */
    private Encryption stoppedBindings(PoolPlan plan) {
        PoolSave.Segment first = plan.metadata().orElseThrow().backstore().dataTier().blockdev().allocs().getFirst().getFirst();
        Optional<Path> device = plan.devices().stream().filter(d -> first.parent().equals(AssemblyPlanner.deviceOf(d)))
                .map(DeviceIdentity::devnode).findFirst();
        try {
            if (device.isPresent()) {
                return pools.capBindings(device.get(), first.start() * 512).orElse(new Encryption(new TreeMap<>()));
            }
        } catch (EngineException e) {
            LOG.log(System.Logger.Level.WARNING, "Pool {0}: {1}", plan.poolUuid(), e.getMessage());
        }
        return new Encryption(new TreeMap<>());
    }

    /** A stopped pool's condition: its assembly decision; a ready pool that is not running failed its set-up. */
    private static StoppedPoolView.Condition condition(PoolPlan.Decision decision) {
        return switch (decision) {
            case PoolPlan.Decision.StoppedByRequest s -> StoppedPoolView.Condition.STOPPED;
            case PoolPlan.Decision.Locked l -> StoppedPoolView.Condition.LOCKED;
            case PoolPlan.Decision.Incomplete i -> StoppedPoolView.Condition.INCOMPLETE;
            case PoolPlan.Decision.Invalid i -> StoppedPoolView.Condition.INVALID;
            case PoolPlan.Decision.Ready r -> StoppedPoolView.Condition.INVALID;
        };
    }

    @Override
    public Map<UUID, ThinPoolUsage> thinPoolUsage() {
        return pools.thinUsage();
    }

    // ---- filesystems

    @Override
    public List<FilesystemView> createFilesystems(UUID pool, List<FilesystemSpec> specs) throws EngineException {
        return pools.createFilesystems(pool, specs);
    }

    @Override
    public DestroyFilesystemsAction destroyFilesystems(UUID pool, Set<UUID> filesystems) throws EngineException {
        return pools.destroyFilesystems(pool, filesystems);
    }

    @Override
    public SnapshotAction snapshotFilesystem(UUID pool, UUID origin, String name) throws EngineException {
        return pools.snapshot(pool, origin, name).<SnapshotAction>map(SnapshotAction.Created::new)
                .orElse(new SnapshotAction.Identity());
    }

    @Override
    public RenameAction renameFilesystem(UUID pool, UUID filesystem, String newName) throws EngineException {
        return pools.renameFilesystem(pool, filesystem, newName);
    }

    @Override
    public Change setSizeLimit(UUID pool, UUID filesystem, Optional<BigInteger> limitBytes) throws EngineException {
        return pools.setSizeLimit(pool, filesystem, limitBytes);
    }

    @Override
    public Change setMergeScheduled(UUID pool, UUID filesystem, boolean scheduled) throws EngineException {
        return pools.setMergeScheduled(pool, filesystem, scheduled);
    }

    // ---- encryption

    @Override
    public boolean bindKeyring(UUID pool, String description, Optional<Long> slot, boolean legacy) throws EngineException {
        if (!pools.running(pool)) {
            throw noPool(pool);
        }
        return pools.bindKeyring(pool, description, slot, legacy);
    }

    @Override
    public boolean bindClevis(UUID pool, String pin, String config, Optional<Long> slot, boolean legacy) throws EngineException {
        throw unencrypted(pool, "Cannot change the Clevis bindings of pool " + pool + ": " + NO_CLEVIS);
    }

    @Override
    public boolean unbindKeyring(UUID pool, Optional<Long> slot) throws EngineException {
        if (!pools.running(pool)) {
            throw noPool(pool);
        }
        return pools.unbindKeyring(pool, slot);
    }

    @Override
    public boolean unbindClevis(UUID pool, Optional<Long> slot) throws EngineException {
        throw unencrypted(pool, "Cannot change the Clevis bindings of pool " + pool + ": " + NO_CLEVIS);
    }

    @Override
    public boolean rebindKeyring(UUID pool, String description, Optional<Long> slot) throws EngineException {
        if (!pools.running(pool)) {
            throw noPool(pool);
        }
        return pools.rebindKeyring(pool, description, slot);
    }

    @Override
    public void rebindClevis(UUID pool, Optional<Long> slot) throws EngineException {
        throw unencrypted(pool, "Cannot change the Clevis bindings of pool " + pool + ": " + NO_CLEVIS);
    }

    @Override
    public boolean encryptPool(UUID pool, EncryptionRequest request) throws EngineException {
        if (!pools.running(pool)) {
            throw noPool(pool);
        }
        if (pools.encrypted(pool)) {
            return false;
        }
        throw new EngineException("Cannot encrypt pool " + pool + ": " + NO_ONLINE);
    }

    @Override
    public void reencryptPool(UUID pool) throws EngineException {
        throw unencrypted(pool, "Cannot re-encrypt pool " + pool + ": " + NO_ONLINE);
    }

    @Override
    public boolean decryptPool(UUID pool) throws EngineException {
        if (!pools.running(pool)) {
            throw noPool(pool);
        }
        if (pools.encrypted(pool)) {
            throw new EngineException("Cannot decrypt pool " + pool + ": " + NO_ONLINE);
        }
        return false;
    }

    /** No such pool; an unencrypted one (3.9.2's message); or an encrypted one and what this build cannot do with it. */
    private EngineException unencrypted(UUID pool, String notImplemented) {
        if (!pools.running(pool)) {
            return noPool(pool);
        }
        return pools.encrypted(pool) ? new EngineException(notImplemented)
                : new EngineException("Requested pool does not appear to be encrypted");
    }

    // ---- keys

    @Override
    public SetKeyAction setKey(String description, byte[] key) throws EngineException {
        // Upstream then loads the volume keys of running V2 pools bound to this description into its
        // process keyring. This build keeps no volume key (Debian 12's cryptsetup cannot link one,
        // see PoolCrypt): it reads the bound key when it opens or resizes a crypt device.
        return keys.set(description, key);
    }

    @Override
    public boolean unsetKey(String description) throws EngineException {
        return keys.unset(description);
    }

    @Override
    public List<String> listKeys() throws EngineException {
        return keys.list();
    }

    // ---- metadata and reports

    @Override
    public String poolMetadata(UUID pool, boolean current) throws EngineException {
        return pools.metadata(pool, current);
    }

    @Override
    public String filesystemMetadata(UUID pool, Optional<String> filesystem, boolean current) throws EngineException {
        return pools.filesystemMetadata(pool, filesystem);
    }

    @Override
    public String engineStateReport() {
        return Json.write(Reports.engineState(pools.views(), reportedPlans(), setupFailures, inventory.unreadable()));
    }

    @Override
    public String stoppedPoolsReport() {
        return Json.write(Reports.stopped(reportedPlans(), setupFailures));
    }

    /**
     * The plans as the reports show them: an encrypted V2 pool that is ready but not running waits
     * for an unlock, so it is reported locked, with the key descriptions its LUKS2 header binds.
     */
    private List<PoolPlan> reportedPlans() {
        return plans.stream().map(plan -> encryptedV2(plan) && plan.decision() instanceof PoolPlan.Decision.Ready
                ? new PoolPlan(plan.poolUuid(), plan.name(), plan.devices(), plan.metadata(), plan.metadataVersion(),
                        new PoolPlan.Decision.Locked(plannedBindings.get(plan.poolUuid()).slots().values().stream()
                                .filter(TokenBinding.Key.class::isInstance).map(b -> ((TokenBinding.Key) b).description()).toList(), false))
                : plan).toList();
    }

    // ---- events and identity

    /**
     * Applies the events to the inventory, plans again, and sets up every pool that became ready and
     * was running; a running pool whose device changed size reports the new size.
     */
    @Override
    public List<PoolView> handleDeviceEvents(List<DeviceEvent> events) {
        Map<UUID, PoolView> changed = new LinkedHashMap<>();
        if (inventory.handle(events)) {
            replanAndSetUp().forEach(p -> changed.put(p.uuid(), p));
        }
        pools.noteSizes(inventory::sizeBytes).forEach(p -> changed.put(p.uuid(), p));
        return List.copyOf(changed.values());
    }

    @Override
    public Set<UUID> poolsWithEvents(Map<String, Long> eventCounters) {
        return pools.poolsWithEvents(eventCounters);
    }

    @Override
    public Optional<PoolCheckAction> checkPool(UUID pool) {
        return pools.check(pool);
    }

    @Override
    public Set<UUID> checkedPools() {
        return Set.copyOf(pools.uuids());
    }

    @Override
    public String version() {
        return VERSION;
    }

    private static EngineException noPool(UUID pool) {
        return new EngineException("No pool associated with uuid " + pool);
    }
}
