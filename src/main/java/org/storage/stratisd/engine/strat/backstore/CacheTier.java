package org.storage.stratisd.engine.strat.backstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSave.Range;
import org.storage.stratisd.engine.strat.serde.PoolSave.Segment;

/**
 * The cache tier of a running pool (real-engine spec §1.1, §2.2): its devices, and the segments
 * they give to the dm-cache device's two sub-devices, {@code physical-cachesub} (the cache) and
 * {@code physical-metasub} (its metadata). A new tier puts the first 512 MiB of its devices into the
 * metadata and everything else into the cache; devices added later go wholly to the cache. Every
 * sector of a cache device is allocated, so a cache device has no free space.
 *
 * <p>Mutable, owned by its pool: changed only under that pool's write lock.
 */
public final class CacheTier {

    /** The metadata sub-device of a new cache: 512 MiB. */
    public static final long META_SECTORS = 1L << 20;
    /** The largest cache sub-device upstream allows: 32 TiB, for its fixed metadata size and 1 MiB cache blocks. */
    public static final long MAX_CACHE_SECTORS = (32L << 40) / 512;

    private final List<Blockdev> devices = new ArrayList<>();
    private final List<Segment> cacheSegments = new ArrayList<>();
    private final List<Segment> metaSegments = new ArrayList<>();

    private CacheTier(List<Blockdev> devices, List<Segment> cacheSegments, List<Segment> metaSegments) {
        this.devices.addAll(devices);
        this.cacheSegments.addAll(cacheSegments);
        this.metaSegments.addAll(metaSegments);
    }

    /**
     * A new cache tier on devices whose BDAs were just written: the metadata's 512 MiB from the
     * devices in order, the rest of their space to the cache.
     *
     * @param devices the devices, none allocated yet
     * @return the tier
     * @throws EngineException if the cache would exceed 32 TiB or the devices are too small for the metadata
     */
    public static CacheTier initialise(List<Blockdev> devices) throws EngineException {
        long available = devices.stream().mapToLong(d -> d.allocator().available()).sum();
        if (available <= META_SECTORS) {
            throw new EngineException("The cache devices offer " + available + " sectors, not more than the " + META_SECTORS
                    + " sectors the cache metadata needs");
        }
        if (available - META_SECTORS > MAX_CACHE_SECTORS) {
            throw tooLarge();
        }
        CacheTier tier = new CacheTier(devices, List.of(), List.of());
        tier.metaSegments.addAll(tier.take(META_SECTORS));
        tier.cacheSegments.addAll(tier.take(available - META_SECTORS));
        return tier;
    }

    /**
     * A cache tier as the pool metadata records it.
     *
     * @param save    the recorded tier
     * @param devices its devices, each with its recorded segments in use
     * @return the tier
     * @throws EngineException if a device has unallocated space (upstream's check for corrupt metadata)
     */
    public static CacheTier fromSave(PoolSave.CacheTier save, List<Blockdev> devices) throws EngineException {
        long free = devices.stream().mapToLong(d -> d.allocator().available()).sum();
        if (free != 0) {
            // 3.9.2's message (its Sectors print as "<n> sectors").
            throw new EngineException(free + " sectors unallocated to device; probable metadata corruption");
        }
        List<List<Segment>> allocs = save.blockdev().allocs();
        if (allocs.size() != 2) {
            throw new EngineException("the cache tier records " + allocs.size() + " segment lists, not 2 (cache, metadata)");
        }
        return new CacheTier(devices, allocs.get(0), allocs.get(1));
    }

    /**
     * Adds devices whose BDAs were just written; all their space goes to the cache.
     *
     * @param added the new devices
     * @return the cache segments as they were, for {@link #rollback}
     * @throws EngineException if the cache would exceed 32 TiB (nothing is changed)
     */
    public List<Segment> add(List<Blockdev> added) throws EngineException {
        long available = added.stream().mapToLong(d -> d.allocator().available()).sum();
        if (available + cacheSize() > MAX_CACHE_SECTORS) {
            throw tooLarge();
        }
        List<Segment> before = List.copyOf(cacheSegments);
        devices.addAll(added);
        for (Segment piece : take(available)) {
            Segment last = cacheSegments.isEmpty() ? null : cacheSegments.getLast();
            if (last != null && last.parent().equals(piece.parent()) && last.start() + last.length() == piece.start()) {
                cacheSegments.set(cacheSegments.size() - 1, new Segment(last.parent(), last.start(), last.length() + piece.length()));
            } else {
                cacheSegments.add(piece);
            }
        }
        return before;
    }

    /**
     * Takes out devices added by {@link #add} whose addition could not be completed.
     *
     * @param added  the devices
     * @param before the cache segments {@link #add} returned
     */
    public void rollback(List<Blockdev> added, List<Segment> before) {
        devices.removeAll(added);
        cacheSegments.clear();
        cacheSegments.addAll(before);
    }

    /** Takes sectors from the devices in order, front first. */
    private List<Segment> take(long sectors) {
        List<Segment> out = new ArrayList<>();
        long need = sectors;
        for (Blockdev device : devices) {
            if (need == 0) {
                break;
            }
            for (Range piece : device.allocator().allocFront(need)) {
                out.add(new Segment(device.uuid(), piece.start(), piece.length()));
                need -= piece.length();
            }
        }
        if (need != 0) {
            throw new IllegalStateException("the cache devices had " + need + " sectors fewer than they reported free");
        }
        return out;
    }

    private static EngineException tooLarge() {
        // 3.9.2's message.
        return new EngineException("The size of the cache sub-device may not exceed " + MAX_CACHE_SECTORS + " sectors");
    }

    /** @return the devices, in the order they joined */
    public List<Blockdev> devices() {
        return List.copyOf(devices);
    }

    /**
     * A device by UUID.
     *
     * @param uuid the device UUID
     * @return the device, if it is in this tier
     */
    public Optional<Blockdev> device(UUID uuid) {
        return devices.stream().filter(d -> d.uuid().equals(uuid)).findFirst();
    }

    /** @return the cache sub-device's size, sectors */
    public long cacheSize() {
        return cacheSegments.stream().mapToLong(Segment::length).sum();
    }

    /** @return the cache sub-device's segments, in table order */
    public List<Segment> cacheSegments() {
        return List.copyOf(cacheSegments);
    }

    /** @return the metadata sub-device's segments, in table order */
    public List<Segment> metaSegments() {
        return List.copyOf(metaSegments);
    }

    /**
     * The tier as the pool metadata records it: {@code allocs} is {@code [cache, meta]}.
     *
     * @return its {@code cache_tier} object
     */
    public PoolSave.CacheTier save() {
        return new PoolSave.CacheTier(new PoolSave.BlockDevMgr(List.of(cacheSegments(), metaSegments()),
                devices.stream().map(Blockdev::save).toList()));
    }
}
