package org.storage.stratisd.engine.sim;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.storage.stratisd.engine.Actions.Change;
import org.storage.stratisd.engine.Actions.DestroyFilesystemsAction;
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
import org.storage.stratisd.engine.TokenSlots;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.IntegritySpec;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.StoppedPoolView;
import org.storage.stratisd.engine.view.ThinPoolUsage;
import org.storage.stratisd.engine.view.Tier;
import org.storage.stratisd.json.Json;

/**
 * The in-memory simulator engine ({@code --sim}): nothing touches a device, nothing survives a
 * restart. Semantics and messages follow the simulator chapter of the API specification, minus the
 * upstream defects it lists (a stopped pool is not started over a running pool of the same name;
 * pool renames validate the new name; token slots are chosen deterministically, smallest first).
 *
 * <p>Concurrency, under the contract of {@link org.storage.stratisd.engine.lock.EngineLock}: the
 * pool tables ({@link #pools}, {@link #stopped}) change only under write-all, so callers holding one
 * pool's lock may look pools up concurrently; a pool's own state changes only under its write lock;
 * the keyring is a concurrent map of its own and needs no pool lock.
 *
 * <p>The optional delays make operations slow on purpose, so that tests and benchmarks can keep
 * calls in flight; they are spent while the caller holds its lock, as a slow real operation would be.
 */
public final class SimEngine implements Engine {

    private static final String VERSION = "3.9.2";
    private static final int MAX_KEY_BYTES = 64;

    private final Clock clock;
    private final Duration operationDelay;
    private final Duration filesystemCreationDelay;
    private final SimCapacity capacity;
    /** Running pools in creation order. Structurally changed only under write-all. */
    private final Map<UUID, SimPool> pools = new LinkedHashMap<>();
    /** Stopped pools, with their whole state. Changed only under write-all. */
    private final Map<UUID, SimPool> stopped = new LinkedHashMap<>();
    /**
     * Modelled thin usage by running pool (sizes from the devices only), recorded with each snapshot
     * taken under the pool's lock and removed when the pool stops or is destroyed; concurrent, since
     * metrics read it without a lock.
     */
    private final Map<UUID, ThinPoolUsage> thin = new ConcurrentHashMap<>();
    /** The simulated keyring; concurrent, needs no engine lock. */
    private final Map<String, byte[]> keyring = new ConcurrentHashMap<>();

    /**
     * Creates an empty simulator.
     *
     * @param clock          source of initialisation and creation times
     * @param operationDelay time every mutating operation takes; {@link Duration#ZERO} for none
     */
    public SimEngine(Clock clock, Duration operationDelay) {
        this(clock, operationDelay, Duration.ZERO);
    }

    /**
     * Creates an empty simulator whose filesystem creation is slower than its other operations.
     *
     * @param clock                   source of initialisation and creation times
     * @param operationDelay          time every mutating operation takes
     * @param filesystemCreationDelay further time each filesystem creation takes
     */
    public SimEngine(Clock clock, Duration operationDelay, Duration filesystemCreationDelay) {
        this(clock, operationDelay, filesystemCreationDelay, SimCapacity.UPSTREAM);
    }

    /**
     * Creates an empty simulator with a choice of how it reports pool sizes.
     *
     * @param clock                   source of initialisation and creation times
     * @param operationDelay          time every mutating operation takes
     * @param filesystemCreationDelay further time each filesystem creation takes
     * @param capacity                upstream's fixed sizes, or sizes from the devices
     */
    public SimEngine(Clock clock, Duration operationDelay, Duration filesystemCreationDelay, SimCapacity capacity) {
        this.clock = clock;
        this.operationDelay = operationDelay;
        this.filesystemCreationDelay = filesystemCreationDelay;
        this.capacity = capacity;
    }

    // ---- pools

    @Override
    public CreatePoolAction createPool(CreatePoolRequest request) throws EngineException {
        simulateWork();
        NameValidation.checkName(request.name());
        NameValidation.checkAbsolute(request.devices());
        Optional<Long> journal = request.journalSizeBytes();
        PoolRules.checkJournal(journal);
        Optional<Encryption> encryption = request.encryption().isEncrypted()
                ? Optional.of(TokenSlots.fromRequest(request.encryption(), keyring::containsKey))
                : Optional.empty();

        Set<String> requested = new LinkedHashSet<>(request.devices());
        Optional<SimPool> existing = byName(pools, request.name());
        if (existing.isPresent()) {
            Set<String> current = existing.get().dataDevnodes();
            if (current.equals(requested)) {
                return new CreatePoolAction.Identity();
            }
            throw new EngineException(PoolRules.differenceMessage(request.name(), requested, current));
        }
        if (requested.isEmpty()) {
            throw new EngineException("At least one blockdev is required to create a pool.");
        }

        IntegritySpec integrity = new IntegritySpec(
                request.tagSpec().orElse(IntegritySpec.DEFAULT.tagSpec()),
                journal.orElse(IntegritySpec.DEFAULT.journalSizeBytes()),
                request.allocateSuperblock().orElse(IntegritySpec.DEFAULT.allocateSuperblock()));
        return new CreatePoolAction.Created(addPool(request.name(), requested, encryption, integrity));
    }

    @Override
    public DestroyPoolAction destroyPool(UUID uuid) throws EngineException {
        simulateWork();
        SimPool pool = pools.get(uuid);
        if (pool == null) {
            return new DestroyPoolAction.Identity();
        }
        if (!pool.filesystems().isEmpty()) {
            throw new EngineException("filesystems remaining on pool");
        }
        pools.remove(uuid);
        thin.remove(uuid);
        return new DestroyPoolAction.Deleted(uuid);
    }

    @Override
    public RenameAction renamePool(UUID uuid, String newName) throws EngineException {
        simulateWork();
        NameValidation.checkName(newName);
        SimPool pool = pools.get(uuid);
        if (pool == null) {
            return new RenameAction.NoSource();
        }
        if (pool.name().equals(newName)) {
            return new RenameAction.Identity();
        }
        if (byName(pools, newName).isPresent()) {
            throw new EngineException("Entry with name " + newName + " already exists");
        }
        pool.rename(newName);
        return new RenameAction.Renamed();
    }

    @Override
    public void setFsLimit(UUID pool, long limit) throws EngineException {
        running(pool).setFsLimit(limit);
    }

    @Override
    public void setOverprovisioning(UUID pool, boolean allowed) throws EngineException {
        running(pool).setOverprovisioning(allowed);
    }

    @Override
    public List<BlockdevView> addDataDevices(UUID pool, List<String> devices) throws EngineException {
        simulateWork();
        return running(pool).addDataDevices(devices, now());
    }

    @Override
    public List<BlockdevView> initCache(UUID pool, List<String> devices, boolean allowEncrypted) throws EngineException {
        simulateWork();
        return running(pool).initCache(devices, allowEncrypted, now());
    }

    @Override
    public List<BlockdevView> addCacheDevices(UUID pool, List<String> devices) throws EngineException {
        simulateWork();
        return running(pool).addCacheDevices(devices, now());
    }

    /** Simulated devices never grow. */
    @Override
    public boolean growPhysicalDevice(UUID pool, UUID device) throws EngineException {
        running(pool);
        return false;
    }

    @Override
    public RenameAction setUserInfo(UUID pool, UUID device, Optional<String> userInfo) throws EngineException {
        return running(pool).setUserInfo(device, userInfo);
    }

    @Override
    public Optional<PoolView> pool(UUID uuid) {
        return Optional.ofNullable(pools.get(uuid)).map(this::view);
    }

    @Override
    public List<PoolView> pools() {
        return pools.values().stream().map(this::view).toList();
    }

    // ---- stopping and starting

    @Override
    public StopPoolAction stopPool(PoolId id) throws EngineException {
        simulateWork();
        if (find(stopped, id).isPresent()) {
            return new StopPoolAction.Identity();
        }
        SimPool pool = find(pools, id).orElseThrow(
                () -> new EngineException("Pool with ID " + id + " was not found and cannot be stopped"));
        pools.remove(pool.uuid());
        thin.remove(pool.uuid());
        stopped.put(pool.uuid(), pool);
        return new StopPoolAction.Stopped(pool.uuid(), pool.encryption().isPresent());
    }

    @Override
    public StartPoolAction startPool(PoolId id, Optional<Optional<Long>> unlockMethod, Optional<byte[]> passphrase,
                                     boolean removeCache) throws EngineException {
        simulateWork();
        Optional<SimPool> runningPool = find(pools, id);
        if (runningPool.isPresent()) {
            checkUnlockArguments(runningPool.get(), unlockMethod, passphrase.isPresent(), false);
            return new StartPoolAction.Identity();
        }
        SimPool pool = find(stopped, id).orElseThrow(() -> new EngineException(switch (id) {
            case PoolId.ByName byName -> "Pool with name " + byName.name() + " was not found and cannot be started";
            case PoolId.ByUuid byUuid -> "Pool with UUID " + byUuid.uuid() + " was not found and cannot be started";
        }));
        checkUnlockArguments(pool, unlockMethod, passphrase.isPresent(), true);
        Optional<SimPool> sameName = byName(pools, pool.name());
        if (sameName.isPresent()) {
            throw new EngineException("There is a pool name conflict. The devices currently being processed have been identified"
                    + " as belonging to the pool with UUID " + pool.uuid() + " and name " + pool.name()
                    + ", but a pool with the same name and UUID " + sameName.get().uuid() + " is already active");
        }
        if (removeCache) {
            pool.removeCache();
        }
        stopped.remove(pool.uuid());
        pools.put(pool.uuid(), pool);
        return new StartPoolAction.Started(view(pool));
    }

    @Override
    public List<StoppedPoolView> stoppedPools() {
        return stopped.values().stream().map(SimPool::stoppedView).toList();
    }

    /** Empty with upstream's sizes; with sizes from the devices, a model of thin usage (see {@link SimCapacity}). */
    @Override
    public Map<UUID, ThinPoolUsage> thinPoolUsage() {
        return Collections.unmodifiableMap(thin);
    }

    // ---- filesystems

    @Override
    public List<FilesystemView> createFilesystems(UUID pool, List<FilesystemSpec> specs) throws EngineException {
        simulateWork();
        sleep(filesystemCreationDelay);
        SimPool p = running(pool);
        return p.filesystems().create(specs, p.fsLimit()).stream().map(f -> f.view(p.name())).toList();
    }

    @Override
    public DestroyFilesystemsAction destroyFilesystems(UUID pool, Set<UUID> filesystems) throws EngineException {
        simulateWork();
        return running(pool).filesystems().destroy(filesystems);
    }

    @Override
    public SnapshotAction snapshotFilesystem(UUID pool, UUID origin, String name) throws EngineException {
        simulateWork();
        SimPool p = running(pool);
        return p.filesystems().snapshot(origin, name, p.fsLimit())
                .<SnapshotAction>map(f -> new SnapshotAction.Created(f.view(p.name())))
                .orElseGet(SnapshotAction.Identity::new);
    }

    @Override
    public RenameAction renameFilesystem(UUID pool, UUID filesystem, String newName) throws EngineException {
        simulateWork();
        return running(pool).filesystems().rename(filesystem, newName);
    }

    @Override
    public Change setSizeLimit(UUID pool, UUID filesystem, Optional<BigInteger> limitBytes) throws EngineException {
        return running(pool).filesystems().setSizeLimit(filesystem, limitBytes);
    }

    @Override
    public Change setMergeScheduled(UUID pool, UUID filesystem, boolean scheduled) throws EngineException {
        return running(pool).filesystems().setMergeScheduled(filesystem, scheduled);
    }

    // ---- encryption

    @Override
    public boolean bindKeyring(UUID pool, String description, Optional<Long> slot, boolean legacy) throws EngineException {
        return withSlots(pool, slots -> slots.bindKeyring(description, slot, legacy));
    }

    @Override
    public boolean bindClevis(UUID pool, String pin, String config, Optional<Long> slot, boolean legacy) throws EngineException {
        return withSlots(pool, slots -> slots.bindClevis(pin, config, slot, legacy));
    }

    @Override
    public boolean unbindKeyring(UUID pool, Optional<Long> slot) throws EngineException {
        return withSlots(pool, slots -> slots.unbindKeyring(slot));
    }

    @Override
    public boolean unbindClevis(UUID pool, Optional<Long> slot) throws EngineException {
        return withSlots(pool, slots -> slots.unbindClevis(slot));
    }

    @Override
    public boolean rebindKeyring(UUID pool, String description, Optional<Long> slot) throws EngineException {
        return withSlots(pool, slots -> slots.rebindKeyring(description, slot));
    }

    @Override
    public void rebindClevis(UUID pool, Optional<Long> slot) throws EngineException {
        withSlots(pool, slots -> {
            slots.rebindClevis(slot);
            return false;
        });
    }

    /** A binding operation on a pool's token slots. */
    private interface SlotOperation {
        boolean apply(TokenSlots slots) throws EngineException;
    }

    /** Runs a binding operation on a copy of the pool's bindings and stores them only if it succeeded. */
    private boolean withSlots(UUID pool, SlotOperation operation) throws EngineException {
        SimPool p = running(pool);
        TokenSlots slots = new TokenSlots(p.encryption().orElseThrow(
                () -> new EngineException("Requested pool does not appear to be encrypted")));
        boolean changed = operation.apply(slots);
        p.setEncryption(Optional.of(slots.result()));
        return changed;
    }

    @Override
    public boolean encryptPool(UUID pool, EncryptionRequest request) throws EngineException {
        simulateWork();
        SimPool p = running(pool);
        if (p.encryption().isPresent()) {
            return false;
        }
        p.setEncryption(Optional.of(TokenSlots.fromRequest(request, null)));
        return true;
    }

    @Override
    public void reencryptPool(UUID pool) throws EngineException {
        simulateWork();
        SimPool p = running(pool);
        if (p.encryption().isEmpty()) {
            throw new EngineException("Cannot reencrypt unencrypted pool");
        }
        p.setLastReencrypted(Optional.of(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
    }

    @Override
    public boolean decryptPool(UUID pool) throws EngineException {
        simulateWork();
        SimPool p = running(pool);
        if (p.encryption().isEmpty()) {
            return false;
        }
        p.setEncryption(Optional.empty());
        p.setLastReencrypted(Optional.empty());
        return true;
    }

    // ---- keys

    @Override
    public SetKeyAction setKey(String description, byte[] key) throws EngineException {
        if (key.length > MAX_KEY_BYTES) {
            throw new EngineException("Provided key exceeded maximum allow length of " + MAX_KEY_BYTES + " bytes");
        }
        byte[] old = keyring.put(description, key.clone());
        if (old == null) {
            return SetKeyAction.CREATED;
        }
        return Arrays.equals(old, key) ? SetKeyAction.IDENTITY : SetKeyAction.VALUE_CHANGED;
    }

    @Override
    public boolean unsetKey(String description) {
        return keyring.remove(description) != null;
    }

    @Override
    public List<String> listKeys() {
        return List.copyOf(new TreeSet<>(keyring.keySet()));
    }

    // ---- metadata and reports

    @Override
    public String poolMetadata(UUID pool, boolean current) throws EngineException {
        return Json.write(running(pool).metadata(current));
    }

    @Override
    public String filesystemMetadata(UUID pool, Optional<String> filesystem, boolean current) throws EngineException {
        return Json.write(running(pool).filesystemMetadata(filesystem));
    }

    @Override
    public String engineStateReport() {
        return Json.write(new SimReports.EngineState(pools.values().stream().map(SimPool::report).toList(),
                stopped.values().stream().map(SimPool::report).toList(), List.of()));
    }

    @Override
    public String stoppedPoolsReport() {
        return Json.write(new SimReports.Stopped(stopped.values().stream().map(SimPool::report).toList()));
    }

    /**
     * The simulator ignores real device events, as upstream's does. An event carrying
     * {@code STRATIS_SIM_POOL} (which only the daemon's event injector sets, for benchmarks of the
     * event path) stands for a device holding a pool of that name: an {@code add} for a name no
     * pool has sets up that pool with the event's device, as the real engine sets up a pool whose
     * last device appears.
     */
    /** A new running pool on new data devices, the one way the simulator makes a pool. */
    private PoolView addPool(String name, Collection<String> devices, Optional<Encryption> encryption, IntegritySpec integrity) {
        long now = now();
        List<SimBlockdev> devs = new ArrayList<>();
        for (String path : devices) {
            devs.add(new SimBlockdev(UUID.randomUUID(), path, Tier.DATA, now));
        }
        SimPool pool = new SimPool(UUID.randomUUID(), name, encryption, integrity, devs, new SimPoolFilesystems(clock), capacity);
        pools.put(pool.uuid(), pool);
        return view(pool);
    }

    /** A pool's snapshot; with sizes from the devices, its modelled thin usage is recorded too. */
    private PoolView view(SimPool pool) {
        PoolView view = pool.view();
        if (capacity == SimCapacity.DEVICES) {
            thin.put(view.uuid(), SimPool.thinUsage(view));
        }
        return view;
    }

    @Override
    public List<PoolView> handleDeviceEvents(List<DeviceEvent> events) {
        List<PoolView> started = new ArrayList<>();
        for (DeviceEvent event : events) {
            String name = event.properties().get(DeviceEvent.SIM_POOL_PROPERTY);
            if (name == null || !event.action().equals("add") || byName(pools, name).isPresent()) {
                continue;
            }
            try {
                NameValidation.checkName(name);
            } catch (EngineException e) {
                continue;
            }
            started.add(addPool(name, List.of(event.devnode()), Optional.empty(), IntegritySpec.DEFAULT));
        }
        return started;
    }

    @Override
    public String version() {
        return VERSION;
    }

    // ---- helpers

    private SimPool running(UUID uuid) throws EngineException {
        SimPool pool = pools.get(uuid);
        if (pool == null) {
            throw new EngineException("No pool associated with uuid " + uuid);
        }
        return pool;
    }

    private static void checkUnlockArguments(SimPool pool, Optional<Optional<Long>> unlockMethod, boolean passphraseGiven,
                                             boolean starting) throws EngineException {
        boolean encrypted = pool.encryption().isPresent();
        if (!encrypted && unlockMethod.isPresent()) {
            throw new EngineException("Pool with UUID " + pool.uuid() + " is not encrypted but an unlock method was provided");
        }
        if (!encrypted && passphraseGiven) {
            throw new EngineException("Pool with UUID " + pool.uuid() + " is not encrypted but a passphrase was provided");
        }
        if (starting && encrypted && unlockMethod.isEmpty()) {
            throw new EngineException("Pool with UUID " + pool.uuid() + " is encrypted but no unlock method was provided");
        }
    }

    private static Optional<SimPool> byName(Map<UUID, SimPool> table, String name) {
        return table.values().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static Optional<SimPool> find(Map<UUID, SimPool> table, PoolId id) {
        return switch (id) {
            case PoolId.ByName byName -> byName(table, byName.name());
            case PoolId.ByUuid byUuid -> Optional.ofNullable(table.get(byUuid.uuid()));
        };
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }


    private void simulateWork() throws EngineException {
        sleep(operationDelay);
    }

    private static void sleep(Duration delay) throws EngineException {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("Operation interrupted");
        }
    }
}
