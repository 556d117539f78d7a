package org.storage.stratisd.engine.strat.backstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSave.Range;

/**
 * The backstore of a running pool as space (real-engine spec §2.2, §2.3): the data tier and the
 * allocations from the cap device, the device everything above the backstore is built on.
 * Version 1 records the cap's allocations as one pair {@code [0, next]}; version 2 as one pair
 * per request, plus the space kept at the start of the cap for a LUKS2 header.
 *
 * <p>Mutable, owned by its pool: changed only under that pool's write lock.
 */
public final class Backstore {

    /** V2: the sectors kept at the start of the cap for a LUKS2 header (17 MiB). */
    public static final long CRYPT_META_SECTORS = 34816;

    private final int metadataVersion;
    private final DataTier dataTier;
    private final List<Range> capAllocs = new ArrayList<>();
    private final List<Range> cryptMetaAllocs = new ArrayList<>();
    private Optional<CacheTier> cacheTier;
    /** V2: whether the cap carries a LUKS2 header, the flex devices then living on its crypt device. */
    private final boolean encrypted;

    /**
     * Creates the backstore.
     *
     * @param metadataVersion 1 or 2
     * @param dataTier        the data tier
     * @param capAllocs       the cap's allocations as recorded
     * @param cryptMetaAllocs V2: the LUKS2 header area
     * @param cacheTier       the cache tier, if any
     * @param encrypted       V2: whether the cap is encrypted (features {@code Encryption})
     */
    public Backstore(int metadataVersion, DataTier dataTier, List<Range> capAllocs, List<Range> cryptMetaAllocs,
                     Optional<CacheTier> cacheTier, boolean encrypted) {
        this.metadataVersion = metadataVersion;
        this.dataTier = dataTier;
        this.capAllocs.addAll(capAllocs);
        this.cryptMetaAllocs.addAll(cryptMetaAllocs);
        this.cacheTier = cacheTier;
        this.encrypted = encrypted;
    }

    /** @return V2: whether the cap is encrypted, its flex devices on the crypt device */
    public boolean encrypted() {
        return encrypted;
    }

    /** @return 1 or 2 */
    public int metadataVersion() {
        return metadataVersion;
    }

    /** @return the data tier */
    public DataTier dataTier() {
        return dataTier;
    }

    /** @return the cache tier, if the pool has one */
    public Optional<CacheTier> cacheTier() {
        return cacheTier;
    }

    /**
     * Gives the pool its cache tier ({@code InitCache}), or takes it away again when the stack
     * could not be converted or the metadata not written.
     *
     * @param tier the tier, or empty
     */
    public void cacheTier(Optional<CacheTier> tier) {
        this.cacheTier = tier;
    }

    /** @return sectors of the cap given out to the flex devices */
    public long capAllocated() {
        return PoolSave.sum(capAllocs);
    }

    /** @return the cap's size: what the data tier allocated to it */
    public long capSize() {
        return dataTier.allocated();
    }

    /** @return sectors the data tier offers above Stratis' own metadata (BDAs, reservations, V2's header area) */
    public long usableSize() {
        return dataTier.size() - metadataSize();
    }

    /** @return sectors Stratis keeps: BDAs, integrity reservations and, in V2, the LUKS2 header area */
    public long metadataSize() {
        return dataTier.metadataSize() + PoolSave.sum(cryptMetaAllocs);
    }

    /** @return sectors not yet given to the flex devices (spec §2.3) */
    public long available() {
        return usableSize() - capAllocated();
    }

    /**
     * V2: keeps the LUKS2 header area at the start of the cap (done once, at creation).
     *
     * @return false if the data tier has too little space
     */
    public boolean reserveCryptMeta() {
        if (metadataVersion != 2 || !cryptMetaAllocs.isEmpty()) {
            throw new IllegalStateException("the LUKS2 header area is kept once, at the creation of a V2 pool");
        }
        if (!dataTier.alloc(List.of(CRYPT_META_SECTORS))) {
            return false;
        }
        cryptMetaAllocs.add(new Range(0, CRYPT_META_SECTORS));
        return true;
    }

    /**
     * Allocates space on the cap for flex devices: the same amount from the data tier, then one
     * cap range per request from the end of what the cap has given out.
     *
     * @param requests sectors per request
     * @return the cap ranges, one per request, or empty (and nothing changed) if there is too little space
     */
    public Optional<List<Range>> alloc(List<Long> requests) {
        long total = requests.stream().mapToLong(Long::longValue).sum();
        if (total > available() || !dataTier.alloc(requests)) {
            return Optional.empty();
        }
        List<Range> out = new ArrayList<>();
        for (long request : requests) {
            Range r = new Range(nextCapSector(), request);
            if (metadataVersion == 1) {
                long previous = capAllocs.isEmpty() ? 0 : capAllocs.getFirst().length();
                capAllocs.clear();
                capAllocs.add(new Range(0, previous + request));
            } else {
                capAllocs.add(r);
            }
            out.add(r);
        }
        return Optional.of(out);
    }

    /**
     * What the allocations look like now, to go back to if the kernel refuses what they were for.
     *
     * @return a mark for {@link #rollback}
     */
    public Mark mark() {
        return new Mark(List.copyOf(capAllocs), dataTier.segments());
    }

    /**
     * Gives back every allocation made since the mark: the cap's ranges and the data tier's segments
     * (and so the block devices' sectors) are as they were.
     *
     * @param mark a mark taken on this backstore, with no rollback to an earlier one since
     */
    public void rollback(Mark mark) {
        dataTier.rollback(mark.segments());
        capAllocs.clear();
        capAllocs.addAll(mark.capAllocs());
    }

    /**
     * The backstore's allocations at one moment.
     *
     * @param capAllocs the cap's ranges
     * @param segments  the data tier's segments
     */
    public record Mark(List<Range> capAllocs, List<PoolSave.Segment> segments) {
    }

    /**
     * Where the next cap allocation starts: V1 after {@code next}; V2 after the highest range, the
     * header area included unless encrypted (then offsets count on the crypt device, which begins
     * after the header; spec §2.3).
     */
    private long nextCapSector() {
        List<Range> all = new ArrayList<>(capAllocs);
        if (!encrypted) {
            all.addAll(cryptMetaAllocs);
        }
        return all.stream().mapToLong(r -> r.start() + r.length()).max().orElse(0);
    }

    /**
     * The backstore as the pool metadata records it.
     *
     * @return its {@code backstore} object
     */
    public PoolSave.Backstore save() {
        return new PoolSave.Backstore(dataTier.save(), new PoolSave.Cap(capAllocs, cryptMetaAllocs), cacheTier.map(CacheTier::save));
    }
}
