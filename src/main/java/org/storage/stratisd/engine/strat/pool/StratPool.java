package org.storage.stratisd.engine.strat.pool;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.storage.stratisd.engine.strat.backstore.Backstore;
import org.storage.stratisd.engine.strat.backstore.Blockdev;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DmNames;
import org.storage.stratisd.engine.strat.dm.ThinPoolStatus;
import org.storage.stratisd.engine.strat.metadata.PoolMetadataStore;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSave.Range;
import org.storage.stratisd.engine.strat.thinpool.Mdv;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.IntegritySpec;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.Tier;

/**
 * A running pool: its backstore, its flex devices' segments on the cap, the thin pool's settings,
 * its filesystems, its metadata volume and the numbers of its device-mapper devices. Everything
 * recorded in the pool metadata can be rebuilt from it ({@link #record()}).
 *
 * <p>Not thread-safe: a pool is changed only by the task holding its write lock (a method task or
 * the device-mapper event task), and read under at least its read lock.
 */
final class StratPool {

    private final UUID uuid;
    private final DmNames names;
    private String name;
    private final Backstore backstore;
    private final List<Range> metaDev;
    private final List<Range> thinMetaDev;
    private final List<Range> thinDataDev;
    private final List<Range> thinMetaDevSpare;
    private final long dataBlockSize;
    private List<String> featureArgs;
    private long fsLimit;
    private boolean overprovisioning;
    private final Map<UUID, StratFilesystem> filesystems = new LinkedHashMap<>();
    private final Mdv mdv;
    private final PoolMetadataStore store;
    /** The stack's device numbers by device-mapper name. */
    private final Map<String, DevNum> devices = new HashMap<>();
    private long nextThinId;
    private boolean outOfMetaSpace;
    /** The thin pool's low-water mark as its live table has it, in data blocks. */
    private long lowWater;
    private Optional<ThinPoolStatus> status = Optional.empty();
    private PoolSave lastWritten;
    /** V2 encrypted: the cap's bindings as its LUKS2 header had them at creation or set-up. */
    private Optional<Encryption> encryption = Optional.empty();
    /** The event counters of the devices that raise events, as last seen by the event task. */
    private Map<String, Long> eventCounters = Map.of();

    StratPool(UUID uuid, PoolSave save, Backstore backstore, Mdv mdv, PoolMetadataStore store) {
        this.uuid = uuid;
        this.names = new DmNames(uuid);
        this.name = save.name();
        this.backstore = backstore;
        this.metaDev = new ArrayList<>(save.flexDevs().metaDev());
        this.thinMetaDev = new ArrayList<>(save.flexDevs().thinMetaDev());
        this.thinDataDev = new ArrayList<>(save.flexDevs().thinDataDev());
        this.thinMetaDevSpare = new ArrayList<>(save.flexDevs().thinMetaDevSpare());
        this.dataBlockSize = save.thinpoolDev().dataBlockSize();
        this.featureArgs = new ArrayList<>(save.thinpoolDev().featureArgs().orElse(List.of()));
        this.fsLimit = save.thinpoolDev().fsLimit().orElse(100);
        this.overprovisioning = save.thinpoolDev().enableOverprov().orElse(true);
        this.mdv = mdv;
        this.store = store;
        this.lastWritten = save;
    }

    UUID uuid() {
        return uuid;
    }

    DmNames names() {
        return names;
    }

    String name() {
        return name;
    }

    void rename(String newName) {
        this.name = newName;
    }

    Backstore backstore() {
        return backstore;
    }

    Mdv mdv() {
        return mdv;
    }

    PoolMetadataStore store() {
        return store;
    }

    Map<String, DevNum> devices() {
        return devices;
    }

    /** The device the flex devices are built on: V1's originsub, V2's physical-cache, or its crypt device if encrypted. */
    String cap() {
        if (backstore.encrypted()) {
            return names.crypt();
        }
        return backstore.metadataVersion() == 1 && backstore.cacheTier().isEmpty() ? names.originsub() : names.cache();
    }

    Optional<Encryption> encryption() {
        return encryption;
    }

    void encryption(Optional<Encryption> bindings) {
        this.encryption = bindings;
    }

    List<Range> metaDev() {
        return metaDev;
    }

    List<Range> thinMetaDev() {
        return thinMetaDev;
    }

    List<Range> thinDataDev() {
        return thinDataDev;
    }

    List<Range> thinMetaDevSpare() {
        return thinMetaDevSpare;
    }

    long dataBlockSize() {
        return dataBlockSize;
    }

    List<String> featureArgs() {
        return List.copyOf(featureArgs);
    }

    void featureArgs(List<String> args) {
        this.featureArgs = new ArrayList<>(args);
    }

    /**
     * Turns {@code error_if_no_space} on or off, keeping the arguments sorted as 3.9.2 records them.
     *
     * @param on whether the pool errors rather than queues when out of space
     */
    void errorIfNoSpace(boolean on) {
        List<String> args = new ArrayList<>(featureArgs);
        args.remove("error_if_no_space");
        if (on) {
            args.add("error_if_no_space");
        }
        args.sort(null);
        this.featureArgs = args;
    }

    boolean errorIfNoSpace() {
        return featureArgs.contains("error_if_no_space");
    }

    long fsLimit() {
        return fsLimit;
    }

    void fsLimit(long limit) {
        this.fsLimit = limit;
    }

    boolean overprovisioning() {
        return overprovisioning;
    }

    void overprovisioning(boolean allowed) {
        this.overprovisioning = allowed;
    }

    Map<UUID, StratFilesystem> filesystems() {
        return filesystems;
    }

    Optional<StratFilesystem> filesystemByName(String fsName) {
        return filesystems.values().stream().filter(f -> f.name().equals(fsName)).findFirst();
    }

    long takeThinId() {
        return nextThinId++;
    }

    void nextThinId(long id) {
        nextThinId = id;
    }

    boolean outOfMetaSpace() {
        return outOfMetaSpace;
    }

    void outOfMetaSpace(boolean value) {
        this.outOfMetaSpace = value;
    }

    long lowWater() {
        return lowWater;
    }

    void lowWater(long blocks) {
        this.lowWater = blocks;
    }

    Optional<ThinPoolStatus> status() {
        return status;
    }

    void status(Optional<ThinPoolStatus> value) {
        this.status = value;
    }

    Map<String, Long> eventCounters() {
        return eventCounters;
    }

    void eventCounters(Map<String, Long> counters) {
        this.eventCounters = Map.copyOf(counters);
    }

    PoolSave lastWritten() {
        return lastWritten;
    }

    void written(PoolSave save) {
        this.lastWritten = save;
    }

    /** @return the devices of both tiers: the data tier's, then the cache tier's */
    List<Blockdev> blockdevs() {
        List<Blockdev> all = new ArrayList<>(backstore.dataTier().devices());
        backstore.cacheTier().ifPresent(c -> all.addAll(c.devices()));
        return all;
    }

    /** @return the flex devices' ranges as they are now */
    PoolSave.FlexDevs flexDevs() {
        return new PoolSave.FlexDevs(metaDev, thinMetaDev, thinDataDev, thinMetaDevSpare);
    }

    /** @return the data tier's device nodes, where the pool metadata is written */
    List<Path> dataDevnodes() {
        return backstore.dataTier().devices().stream().map(Blockdev::devnode).toList();
    }

    /** @return the thin data device's size, sectors */
    long thinDataSize() {
        return PoolSave.sum(thinDataDev);
    }

    /** @return the sum of the filesystems' sizes, sectors */
    long filesystemsSize() {
        return filesystems.values().stream().mapToLong(f -> f.record().size()).sum();
    }

    /**
     * The pool metadata this pool would write now.
     *
     * @param started whether it records the pool as running
     * @return the document
     */
    PoolSave record(boolean started) {
        return new PoolSave(name, backstore.save(), flexDevs(),
                new PoolSave.ThinPoolDev(dataBlockSize, Optional.of(featureArgs()), OptionalLong.of(fsLimit),
                        Optional.of(overprovisioning)),
                Optional.of(started), lastWritten.features(), lastWritten.lastReencrypt());
    }

    /**
     * The pool as D-Bus publishes it (upstream's sizes: the data tier's devices, what the cap gave
     * out plus Stratis' own metadata, and what the thin pool uses plus that metadata).
     *
     * @return the snapshot
     */
    PoolView view() {
        long metadata = backstore.metadataSize();
        BigInteger allocated = sectors(backstore.capAllocated() + metadata);
        BigInteger used = status.filter(s -> !s.failed()).map(s -> sectors(s.usedData() * dataBlockSize
                + PoolSave.sum(thinMetaDev) + PoolSave.sum(thinMetaDevSpare) + PoolSave.sum(metaDev) + metadata))
                .orElse(BigInteger.ZERO);
        List<FilesystemView> fss = filesystems.values().stream().map(f -> f.view(name)).toList();
        List<BlockdevView> devs = new ArrayList<>();
        backstore.dataTier().devices().forEach(d -> devs.add(view(d, Tier.DATA)));
        backstore.cacheTier().ifPresent(c -> c.devices().forEach(d -> devs.add(view(d, Tier.CACHE))));
        PoolSave.IntegritySpec integrity = backstore.dataTier().integritySpec()
                .orElse(new PoolSave.IntegritySpec("0b", 0, IntegritySpec.BLOCK_SIZE, false));
        return new PoolView(uuid, name, encryption, Optional.empty(), "fully_operational", backstore.cacheTier().isPresent(),
                sectors(backstore.dataTier().size()), used, allocated, fsLimit, overprovisioning, errorIfNoSpace(),
                backstore.metadataVersion(),
                new IntegritySpec(integrity.tagSpec(), integrity.journalSize() * 512, integrity.allocateSuperblock()), fss, devs);
    }

    private static BlockdevView view(Blockdev d, Tier tier) {
        return new BlockdevView(d.uuid(), d.devnode().toString(), d.devnode().toString(), tier, d.initTimeSeconds(),
                sectors(d.sizeSectors()), d.userInfo(),
                d.newSizeSectors().isPresent() ? Optional.of(sectors(d.newSizeSectors().getAsLong())) : Optional.empty());
    }

    private static BigInteger sectors(long sectors) {
        return BigInteger.valueOf(sectors).shiftLeft(9);
    }
}
