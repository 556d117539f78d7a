package org.storage.stratisd.engine.strat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
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
import org.storage.stratisd.engine.strat.assembly.AssemblyPlanner;
import org.storage.stratisd.engine.strat.assembly.PoolPlan;
import org.storage.stratisd.engine.strat.backstore.PoolInitializer;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity;
import org.storage.stratisd.engine.strat.identify.DeviceProber;
import org.storage.stratisd.engine.strat.identify.DeviceScanner;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.StoppedPoolView;
import org.storage.stratisd.engine.view.Tier;
import org.storage.stratisd.engine.view.TokenBinding;
import org.storage.stratisd.json.Json;

/**
 * The real engine, first part: it finds the Stratis devices on the machine (a scan at start-up,
 * then udev events), identifies them from their on-disk metadata, and plans each pool's assembly.
 * Without the device-mapper layer (the next part) it sets no pool up, so every pool it finds is
 * reported as stopped, with the plan's verdict (ready, stopped, locked, incomplete, invalid) in
 * the engine state report. Operations that need a running pool or the kernel keyring are refused
 * with a message that says so; CreatePool checks its devices and then refuses, writing nothing.
 *
 * <p>Not synchronised: callers hold the engine lock, as for every engine.
 */
public final class StratEngine implements Engine {

    /** The version this daemon reports. */
    public static final String VERSION = "3.9.2";
    private static final System.Logger LOG = System.getLogger(StratEngine.class.getName());
    private static final String NO_SETUP = "this build of stratisd-java identifies pools on disk but cannot yet set them up:"
            + " its device-mapper layer is not implemented";
    private static final String NO_KEYRING = "this build of stratisd-java does not implement the kernel keyring yet";

    private final DeviceProber prober;
    private final PoolInitializer initializer;
    private final DeviceScanner scanner;
    /** The member devices found, by device node. */
    private final Map<Path, DeviceIdentity> members = new TreeMap<>();
    /** Devices carrying Stratis metadata that could not be read, by device node. */
    private final Map<Path, String> unreadable = new TreeMap<>();
    private List<PoolPlan> plans = List.of();

    /**
     * Creates the engine; {@link #scan()} then finds the devices.
     *
     * @param prober      identifies devices
     * @param initializer checks devices for new pools
     * @param scanner     lists the devices at start-up
     */
    public StratEngine(DeviceProber prober, PoolInitializer initializer, DeviceScanner scanner) {
        this.prober = prober;
        this.initializer = initializer;
        this.scanner = scanner;
    }

    /**
     * The start-up scan: probes every block device and plans the pools found.
     *
     * @return the plans
     * @throws IOException if the devices cannot be listed
     */
    public List<PoolPlan> scan() throws IOException {
        for (Path device : scanner.devices()) {
            record(device, prober.identifyMembership(device, Map.of(), true));
        }
        replan();
        return plans;
    }

    /**
     * The current plans.
     *
     * @return one per pool found
     */
    public List<PoolPlan> plans() {
        return plans;
    }

    private void record(Path device, DeviceIdentity identity) {
        members.remove(device);
        unreadable.remove(device);
        switch (identity) {
            case DeviceIdentity.StratisMember m -> members.put(device, m);
            case DeviceIdentity.LuksMember l -> members.put(device, l);
            case DeviceIdentity.Unreadable u when u.stratisMagic() -> unreadable.put(device, u.reason());
            default -> {
                // not a member: nothing to remember
            }
        }
    }

    private void replan() {
        plans = AssemblyPlanner.plan(members.values());
        for (PoolPlan plan : plans) {
            LOG.log(System.Logger.Level.INFO, "Pool {0} ({1}): {2}: {3}", plan.poolUuid(), plan.name().orElse("name unknown"),
                    plan.decision().label(), plan.decision().reason());
        }
    }

    // ---- pools

    @Override
    public CreatePoolAction createPool(CreatePoolRequest request) throws EngineException {
        NameValidation.checkName(request.name());
        NameValidation.checkAbsolute(request.devices());
        Set<String> requested = new LinkedHashSet<>(request.devices());
        if (requested.isEmpty()) {
            throw new EngineException("At least one blockdev is required to create a pool.");
        }
        initializer.checkDevices(requested.stream().map(Path::of).toList());
        throw new EngineException("Cannot create pool " + request.name() + ": " + NO_SETUP + "; nothing was written");
    }

    @Override
    public DestroyPoolAction destroyPool(UUID pool) {
        return new DestroyPoolAction.Identity();
    }

    @Override
    public RenameAction renamePool(UUID pool, String newName) {
        return new RenameAction.NoSource();
    }

    @Override
    public void setFsLimit(UUID pool, long limit) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public void setOverprovisioning(UUID pool, boolean allowed) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public List<BlockdevView> addDataDevices(UUID pool, List<String> devices) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public List<BlockdevView> initCache(UUID pool, List<String> devices, boolean allowEncrypted) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public List<BlockdevView> addCacheDevices(UUID pool, List<String> devices) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public boolean growPhysicalDevice(UUID pool, UUID device) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public RenameAction setUserInfo(UUID pool, UUID device, Optional<String> userInfo) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public Optional<PoolView> pool(UUID pool) {
        return Optional.empty();
    }

    @Override
    public List<PoolView> pools() {
        return List.of();
    }

    // ---- stopping and starting

    @Override
    public StopPoolAction stopPool(PoolId id) throws EngineException {
        if (find(id).isPresent()) {
            return new StopPoolAction.Identity();
        }
        throw new EngineException("Pool with ID " + id + " was not found and cannot be stopped");
    }

    @Override
    public StartPoolAction startPool(PoolId id, Optional<Optional<Long>> unlockMethod, boolean passphraseGiven,
                                     boolean removeCache) throws EngineException {
        PoolPlan plan = find(id).orElseThrow(() -> new EngineException(switch (id) {
            case PoolId.ByName byName -> "Pool with name " + byName.name() + " was not found and cannot be started";
            case PoolId.ByUuid byUuid -> "Pool with UUID " + byUuid.uuid() + " was not found and cannot be started";
        }));
        if (!(plan.decision() instanceof PoolPlan.Decision.Ready) && !(plan.decision() instanceof PoolPlan.Decision.StoppedByRequest)) {
            throw new EngineException("Pool with UUID " + plan.poolUuid() + " cannot be started: " + plan.decision().reason());
        }
        throw new EngineException("Pool with UUID " + plan.poolUuid() + " cannot be started: " + NO_SETUP);
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
            List<BlockdevView> devices = plan.devices().stream().map(d -> view(plan, d)).toList();
            Optional<Encryption> encryption = Optional.empty();
            if (plan.decision() instanceof PoolPlan.Decision.Locked locked) {
                TreeMap<Long, TokenBinding> slots = new TreeMap<>();
                locked.keyDescriptions().stream().findFirst().ifPresent(k -> slots.put(1L, new TokenBinding.Key(k)));
                encryption = Optional.of(new Encryption(slots));
            }
            out.add(new StoppedPoolView(plan.poolUuid(), plan.name(), devices, encryption,
                    plan.metadataVersion().map(Integer::longValue)));
        }
        return out;
    }

    private static BlockdevView view(PoolPlan plan, DeviceIdentity device) {
        UUID uuid = AssemblyPlanner.deviceOf(device);
        Optional<PoolSave.BlockDev> record = plan.metadata().flatMap(m -> m.backstore().dataTier().blockdev().devs().stream()
                .filter(d -> d.uuid().equals(uuid)).findFirst());
        Optional<PoolSave.BlockDev> cacheRecord = plan.metadata().flatMap(m -> m.backstore().cacheTier().stream()
                .flatMap(c -> c.blockdev().devs().stream()).filter(d -> d.uuid().equals(uuid)).findFirst());
        String path = device.devnode().toString();
        return switch (device) {
            case DeviceIdentity.StratisMember m -> new BlockdevView(uuid, path, path,
                    cacheRecord.isPresent() ? Tier.CACHE : Tier.DATA, m.block().initTimeSeconds(),
                    BigInteger.valueOf(m.sizeBytes()), record.or(() -> cacheRecord).flatMap(PoolSave.BlockDev::userInfo));
            default -> new BlockdevView(uuid, path, path, Tier.DATA, 0, BigInteger.ZERO, Optional.empty());
        };
    }

    // ---- filesystems

    @Override
    public List<FilesystemView> createFilesystems(UUID pool, List<FilesystemSpec> specs) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public DestroyFilesystemsAction destroyFilesystems(UUID pool, Set<UUID> filesystems) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public SnapshotAction snapshotFilesystem(UUID pool, UUID origin, String name) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public RenameAction renameFilesystem(UUID pool, UUID filesystem, String newName) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public Change setSizeLimit(UUID pool, UUID filesystem, Optional<BigInteger> limitBytes) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public Change setMergeScheduled(UUID pool, UUID filesystem, boolean scheduled) throws EngineException {
        throw noPool(pool);
    }

    // ---- encryption

    @Override
    public boolean bindKeyring(UUID pool, String description, Optional<Long> slot, boolean legacy) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public boolean bindClevis(UUID pool, String pin, String config, Optional<Long> slot, boolean legacy) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public boolean unbindKeyring(UUID pool, Optional<Long> slot) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public boolean unbindClevis(UUID pool, Optional<Long> slot) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public boolean rebindKeyring(UUID pool, String description, Optional<Long> slot) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public void rebindClevis(UUID pool, Optional<Long> slot) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public boolean encryptPool(UUID pool, EncryptionRequest request) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public void reencryptPool(UUID pool) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public boolean decryptPool(UUID pool) throws EngineException {
        throw noPool(pool);
    }

    // ---- keys

    @Override
    public SetKeyAction setKey(String description, byte[] key) throws EngineException {
        throw new EngineException("Cannot set key " + description + ": " + NO_KEYRING);
    }

    @Override
    public boolean unsetKey(String description) throws EngineException {
        throw new EngineException("Cannot unset key " + description + ": " + NO_KEYRING);
    }

    @Override
    public List<String> listKeys() throws EngineException {
        throw new EngineException("Cannot list keys: " + NO_KEYRING);
    }

    // ---- metadata and reports

    @Override
    public String poolMetadata(UUID pool, boolean current) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public String filesystemMetadata(UUID pool, Optional<String> filesystem, boolean current) throws EngineException {
        throw noPool(pool);
    }

    @Override
    public String engineStateReport() {
        Map<String, Object> report = stoppedReport();
        report.put("pools", List.of());
        if (!unreadable.isEmpty()) {
            List<Object> list = new ArrayList<>();
            unreadable.forEach((path, reason) -> list.add(sorted(Map.of("devnode", path.toString(), "reason", reason))));
            report.put("unreadable_devices", list);
        }
        return Json.write(report);
    }

    @Override
    public String stoppedPoolsReport() {
        return Json.write(stoppedReport());
    }

    /** Upstream's stopped-pools report, its keys sorted as upstream's, with each pool's plan added. */
    private Map<String, Object> stoppedReport() {
        Map<String, Object> names = new TreeMap<>();
        Map<String, Object> paths = new TreeMap<>();
        List<Object> stopped = new ArrayList<>();
        for (PoolPlan plan : plans) {
            plan.name().ifPresent(n -> names.put(n, plan.poolUuid().toString()));
            List<Object> devices = new ArrayList<>();
            for (DeviceIdentity d : plan.devices()) {
                UUID device = AssemblyPlanner.deviceOf(d);
                paths.put(d.devnode().toString(), List.of(plan.poolUuid().toString(), device.toString()));
                Map<String, Object> entry = new TreeMap<>();
                entry.put("device_uuid", device.toString());
                entry.put("devnode", d.devnode().toString());
                devnum(d).ifPresent(n -> {
                    entry.put("major", Long.parseLong(n.substring(0, n.indexOf(':'))));
                    entry.put("minor", Long.parseLong(n.substring(n.indexOf(':') + 1)));
                });
                entry.put("pool_uuid", plan.poolUuid().toString());
                if (d instanceof DeviceIdentity.LuksMember l) {
                    l.keyDescriptions().stream().findFirst().ifPresent(k -> entry.put("key_description", k));
                    l.token().poolName().ifPresent(n -> entry.put("pool_name", n));
                }
                devices.add(entry);
            }
            Map<String, Object> pool = new TreeMap<>();
            pool.put("devices", devices);
            pool.put("pool_uuid", plan.poolUuid().toString());
            pool.put("assembly", sorted(Map.of("state", plan.decision().label(), "reason", plan.decision().reason())));
            stopped.add(pool);
        }
        Map<String, Object> report = new TreeMap<>();
        report.put("name_to_pool_uuid_map", names);
        report.put("partially_constructed_pools", List.of());
        report.put("path_to_ids_map", paths);
        report.put("stopped_pools", stopped);
        return report;
    }

    private static Optional<String> devnum(DeviceIdentity d) {
        return switch (d) {
            case DeviceIdentity.StratisMember m -> m.devnum();
            case DeviceIdentity.LuksMember l -> l.devnum();
            default -> Optional.empty();
        };
    }

    private static Map<String, Object> sorted(Map<String, Object> map) {
        return new TreeMap<>(map);
    }

    // ---- events and identity

    /**
     * Re-identifies the devices the events name: {@code remove} forgets a device, anything else
     * probes it again. The plans are then remade. No pool is set up (see the class comment).
     */
    @Override
    public List<PoolView> handleDeviceEvents(List<DeviceEvent> events) {
        boolean changed = false;
        for (DeviceEvent event : events) {
            if (event.devnode().isEmpty()) {
                continue;
            }
            Path device = Path.of(event.devnode());
            boolean knownBefore = members.containsKey(device) || unreadable.containsKey(device);
            if ("remove".equals(event.action())) {
                members.remove(device);
                unreadable.remove(device);
            } else {
                record(device, prober.identifyMembership(device, event.properties(), true));
            }
            changed |= knownBefore || members.containsKey(device) || unreadable.containsKey(device);
        }
        if (changed) {
            replan();
        }
        return List.of();
    }

    @Override
    public String version() {
        return VERSION;
    }

    private static EngineException noPool(UUID pool) {
        return new EngineException("No pool associated with uuid " + pool);
    }
}
