package org.storage.stratisd.engine.sim;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.NameValidation;
import org.storage.stratisd.engine.PoolRules;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.IntegritySpec;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.StoppedPoolView;
import org.storage.stratisd.engine.view.ThinPoolUsage;
import org.storage.stratisd.engine.view.Tier;

/**
 * A simulated pool: its devices, cache, filesystems, settings and encryption. Mutable; guarded,
 * like the whole simulator, by the engine lock its callers hold. Every operation checks everything
 * before it changes anything.
 */
final class SimPool {

    /** 2^60 sectors of 512 bytes: the simulator's pool size, independent of its devices. */
    static final BigInteger TOTAL_PHYSICAL_SIZE = BigInteger.ONE.shiftLeft(60).multiply(BigInteger.valueOf(512));
    /** 5 * 2^20 sectors of 512 bytes. */
    static final BigInteger ALLOCATED_SIZE = BigInteger.valueOf(5L << 20).multiply(BigInteger.valueOf(512));
    static final long INITIAL_FS_LIMIT = 10;
    static final long METADATA_VERSION = 2;

    private final UUID uuid;
    private final IntegritySpec integrity;
    private final List<SimBlockdev> dataDevs = new ArrayList<>();
    private final List<SimBlockdev> cacheDevs = new ArrayList<>();
    private final SimPoolFilesystems filesystems;
    private String name;
    private Optional<Encryption> encryption;
    private Optional<Instant> lastReencrypted = Optional.empty();
    private long fsLimit = INITIAL_FS_LIMIT;
    private boolean overprovisioning = true;
    private final SimCapacity capacity;

    SimPool(UUID uuid, String name, Optional<Encryption> encryption, IntegritySpec integrity,
            List<SimBlockdev> dataDevs, SimPoolFilesystems filesystems, SimCapacity capacity) {
        this.uuid = uuid;
        this.capacity = capacity;
        this.name = name;
        this.encryption = encryption;
        this.integrity = integrity;
        this.dataDevs.addAll(dataDevs);
        this.filesystems = filesystems;
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

    SimPoolFilesystems filesystems() {
        return filesystems;
    }

    long fsLimit() {
        return fsLimit;
    }

    void setFsLimit(long limit) throws EngineException {
        if (limit <= fsLimit) {
            throw new EngineException("New filesystem limit must be greater than old limit");
        }
        fsLimit = limit;
    }

    void setOverprovisioning(boolean allowed) {
        overprovisioning = allowed;
    }

    Optional<Encryption> encryption() {
        return encryption;
    }

    void setEncryption(Optional<Encryption> value) {
        encryption = value;
    }

    void setLastReencrypted(Optional<Instant> value) {
        lastReencrypted = value;
    }

    Set<String> dataDevnodes() {
        Set<String> paths = new LinkedHashSet<>();
        dataDevs.forEach(d -> paths.add(d.devnode()));
        return paths;
    }

    List<BlockdevView> addDataDevices(List<String> paths, long now) throws EngineException {
        NameValidation.checkAbsolute(paths);
        Set<String> requested = new LinkedHashSet<>(paths);
        Set<String> inCache = devnodes(cacheDevs);
        List<String> clash = requested.stream().filter(inCache::contains).toList();
        if (!clash.isEmpty()) {
            throw new EngineException("Devices " + String.join(", ", clash) + " are already in use in the cache tier of pool with UUID "
                    + uuid + " and name " + name);
        }
        return add(dataDevs, requested, Tier.DATA, now);
    }

    List<BlockdevView> addCacheDevices(List<String> paths, long now) throws EngineException {
        NameValidation.checkAbsolute(paths);
        if (cacheDevs.isEmpty()) {
            throw new EngineException("The cache has not been initialized; you must use init_cache first to initialize the cache.");
        }
        Set<String> requested = new LinkedHashSet<>(paths);
        Set<String> inData = devnodes(dataDevs);
        List<String> clash = requested.stream().filter(inData::contains).toList();
        if (!clash.isEmpty()) {
            throw new EngineException("Devices " + String.join(", ", clash) + " are already in the data tier of pool with UUID "
                    + uuid + " and name " + name);
        }
        return add(cacheDevs, requested, Tier.CACHE, now);
    }

    List<BlockdevView> initCache(List<String> paths, boolean allowEncrypted, long now) throws EngineException {
        NameValidation.checkAbsolute(paths);
        if (encryption.isPresent() && !allowEncrypted) {
            throw new EngineException("Use of a cache is not supported with an encrypted pool");
        }
        if (cacheDevs.isEmpty()) {
            if (paths.isEmpty()) {
                throw new EngineException("At least one blockdev path is required to initialize a cache.");
            }
            List<BlockdevView> added = new ArrayList<>();
            for (String path : paths) {
                SimBlockdev dev = new SimBlockdev(UUID.randomUUID(), path, Tier.CACHE, now);
                cacheDevs.add(dev);
                added.add(dev.view());
            }
            return added;
        }
        Set<String> existing = devnodes(cacheDevs);
        Set<String> requested = new TreeSet<>(paths);
        if (existing.equals(requested)) {
            return List.of();
        }
        throw new EngineException(PoolRules.cacheDifferenceMessage(requested, existing));
    }

    void removeCache() {
        cacheDevs.clear();
    }

    RenameAction setUserInfo(UUID device, Optional<String> userInfo) throws EngineException {
        if (userInfo.isPresent()) {
            NameValidation.checkName(userInfo.get());
        }
        Optional<SimBlockdev> dev = Stream.concat(dataDevs.stream(), cacheDevs.stream()).filter(d -> d.uuid().equals(device)).findFirst();
        if (dev.isEmpty()) {
            return new RenameAction.NoSource();
        }
        if (dev.get().userInfo().equals(userInfo)) {
            return new RenameAction.Identity();
        }
        dev.get().setUserInfo(userInfo);
        return new RenameAction.Renamed();
    }

    PoolView view() {
        List<FilesystemView> fs = filesystems.all().stream().map(f -> f.view(name)).toList();
        BigInteger size = TOTAL_PHYSICAL_SIZE;
        BigInteger used = BigInteger.ZERO;
        BigInteger allocated = ALLOCATED_SIZE;
        if (capacity == SimCapacity.DEVICES) {
            size = SimBlockdev.SIZE_BYTES.multiply(BigInteger.valueOf(dataDevs.size()));
            used = fs.stream().map(f -> f.used().orElse(BigInteger.ZERO)).reduce(BigInteger.ZERO, BigInteger::add).min(size);
            allocated = used;
        }
        return new PoolView(uuid, name, encryption, lastReencrypted, "fully_operational", !cacheDevs.isEmpty(),
                size, used, allocated, fsLimit, overprovisioning, capacity == SimCapacity.DEVICES && used.compareTo(size) >= 0,
                METADATA_VERSION, integrity, fs,
                Stream.concat(dataDevs.stream(), cacheDevs.stream()).map(SimBlockdev::view).toList());
    }

    /**
     * The thin usage the simulator reports with sizes from the devices: thin data is the pool's
     * physical space and what its filesystems use; thin metadata is 1/512 of that space, with 4 KiB
     * per filesystem plus 1 KiB per MiB of data in use (so about half of it at a full pool). A model,
     * not a kernel's figures.
     */
    static ThinPoolUsage thinUsage(PoolView view) {
        long size = view.totalPhysicalSize().longValue();
        long used = view.totalPhysicalUsed().longValue();
        long metaSize = Math.max(4096, size / 512);
        long metaUsed = Math.min(metaSize, 4096L * (view.filesystems().size() + 1) + used / 1024);
        return new ThinPoolUsage(used, size, metaUsed, metaSize, used >= size, false);
    }

    StoppedPoolView stoppedView() {
        return new StoppedPoolView(uuid, Optional.of(name),
                Stream.concat(dataDevs.stream(), cacheDevs.stream()).map(SimBlockdev::view).toList(),
                encryption, Optional.of(METADATA_VERSION),
                encryption.isPresent() ? StoppedPoolView.Condition.LOCKED : StoppedPoolView.Condition.STOPPED);
    }

    /** The pool-level metadata; the last-written copy carries a placeholder name, as upstream's sim. */
    SimReports.PoolMetadata metadata(boolean current) {
        return new SimReports.PoolMetadata(current ? name : "<name>", fsLimit, overprovisioning,
                new SimReports.Integrity(integrity.tagSpec(), integrity.journalSizeBytes() / 512, IntegritySpec.BLOCK_SIZE,
                        integrity.allocateSuperblock()));
    }

    Map<String, SimReports.FilesystemMetadata> filesystemMetadata(Optional<String> only) {
        Map<String, SimReports.FilesystemMetadata> json = new LinkedHashMap<>();
        for (SimFilesystem fs : filesystems.all()) {
            if (only.isEmpty() || only.get().equals(fs.name())) {
                json.put(fs.uuid().toString(), new SimReports.FilesystemMetadata(fs.name(), fs.uuid().toString(), fs.sizeSectors(),
                        fs.created().getEpochSecond(), fs.sizeLimitSectors(), fs.origin().map(UUID::toString),
                        fs.mergeScheduled()));
            }
        }
        return json;
    }

    /** This pool in the engine state report's form. */
    SimReports.Pool report() {
        List<SimReports.Filesystem> fss = filesystems.all().stream().map(fs -> new SimReports.Filesystem(fs.name(),
                fs.uuid().toString(), fs.sizeSectors() + " sectors",
                fs.sizeSectors().multiply(SimFilesystem.SECTOR).shiftRight(1) + " bytes",
                fs.sizeLimitSectors().map(l -> l + " sectors").orElse("Not set"),
                fs.origin().map(UUID::toString).orElse("Not set"))).toList();
        return new SimReports.Pool(uuid.toString(), name, "fully_operational", fsLimit, fss,
                new SimReports.Blockdevs(deviceReport(dataDevs), deviceReport(cacheDevs)));
    }

    private static List<SimReports.Device> deviceReport(List<SimBlockdev> devs) {
        return devs.stream().map(dev -> new SimReports.Device(dev.uuid().toString(), dev.devnode(),
                SimBlockdev.SIZE_BYTES.divide(SimFilesystem.SECTOR) + " sectors")).toList();
    }

    private static List<BlockdevView> add(List<SimBlockdev> tier, Set<String> requested, Tier kind, long now) {
        Set<String> present = devnodes(tier);
        List<BlockdevView> added = new ArrayList<>();
        for (String path : requested) {
            if (!present.contains(path)) {
                SimBlockdev dev = new SimBlockdev(UUID.randomUUID(), path, kind, now);
                tier.add(dev);
                added.add(dev.view());
            }
        }
        return added;
    }

    private static Set<String> devnodes(List<SimBlockdev> devs) {
        Set<String> paths = new LinkedHashSet<>();
        devs.forEach(d -> paths.add(d.devnode()));
        return paths;
    }
}
