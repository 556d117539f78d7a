package org.storage.stratisd.engine.strat.stack;

import static org.storage.stratisd.engine.strat.stack.PlannedDevice.ref;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DeviceMapper.UdevRules;
import org.storage.stratisd.engine.strat.dm.DmNames;
import org.storage.stratisd.engine.strat.dm.TargetLine;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSave.Range;
import org.storage.stratisd.engine.strat.serde.PoolSave.Segment;

/**
 * What a pool's stack is, device by device, as upstream builds it (real-engine spec §1.3, §1.4):
 * the table of each device computed from the pool's metadata and the numbers of its block
 * devices. Plain values; {@link StackExecutor} makes them real.
 */
public final class StackPlan {

    /** The thin pool's low-water mark once a check has considered data growth: 15 GiB of data blocks. */
    public static final long LOW_WATER_BLOCKS = 15360;

    private StackPlan() {
    }

    /** The dm-cache device's block: 2048 sectors (1 MiB), upstream's choice. */
    public static final long CACHE_BLOCK_SECTORS = 2048;

    /**
     * The data tier's linear device: one line per segment, logical starts consecutive from 0.
     *
     * @param names     the pool's names
     * @param segments  the data tier's segments, in order
     * @param blockdevs each block device's number
     * @return the device
     */
    public static PlannedDevice originsub(DmNames names, List<Segment> segments, Map<UUID, DevNum> blockdevs) {
        return linear(names.originsub(), segments, blockdevs);
    }

    /**
     * A linear device over block-device segments (originsub, cachesub, metasub): one line per
     * segment, logical starts consecutive from 0.
     *
     * @param name      its name
     * @param segments  the segments, in order
     * @param blockdevs each block device's number
     * @return the device
     */
    public static PlannedDevice linear(String name, List<Segment> segments, Map<UUID, DevNum> blockdevs) {
        List<TargetLine> lines = new ArrayList<>();
        long at = 0;
        for (Segment s : segments) {
            DevNum dev = blockdevs.get(s.parent());
            if (dev == null) {
                throw new IllegalArgumentException("segment on device " + s.parent() + ", which is not among the pool's devices");
            }
            lines.add(new TargetLine(at, s.length(), "linear", dev + " " + s.start()));
            at += s.length();
        }
        return new PlannedDevice(name, UdevRules.PRIVATE, lines);
    }

    /**
     * The cap with a cache tier: {@code physical-cache} as a dm-cache device over originsub, with
     * upstream's parameters ({@code 2048 1 writethrough default 0}).
     *
     * @param names      the pool's names
     * @param originSize originsub's size
     * @return the device
     */
    public static PlannedDevice cache(DmNames names, long originSize) {
        return new PlannedDevice(names.cache(), UdevRules.PRIVATE, List.of(new TargetLine(0, originSize, "cache",
                ref(names.metasub()) + " " + ref(names.cachesub()) + " " + ref(names.originsub()) + " " + CACHE_BLOCK_SECTORS
                        + " 1 writethrough default 0")));
    }

    /**
     * V2's cap without a cache tier: one linear line over the whole of {@code originsub}.
     *
     * @param names    the pool's names
     * @param capSize  originsub's size
     * @return the device
     */
    public static PlannedDevice placeholder(DmNames names, long capSize) {
        return new PlannedDevice(names.cache(), UdevRules.PRIVATE,
                List.of(new TargetLine(0, capSize, "linear", ref(names.originsub()) + " 0")));
    }

    /**
     * A flex device: its ranges of the cap, logical starts consecutive from 0.
     *
     * @param name   its name
     * @param cap    the cap device's name
     * @param ranges its ranges on the cap
     * @return the device
     */
    public static PlannedDevice flex(String name, String cap, List<Range> ranges) {
        List<TargetLine> lines = new ArrayList<>();
        long at = 0;
        for (Range r : ranges) {
            lines.add(new TargetLine(at, r.length(), "linear", ref(cap) + " " + r.start()));
            at += r.length();
        }
        return new PlannedDevice(name, UdevRules.PRIVATE, lines);
    }

    /**
     * The thin pool: {@code 0 <data size> thin-pool <meta> <data> <block size> <low water> <n> <features>}.
     *
     * @param names         the pool's names
     * @param dataSize      the thin data device's size
     * @param dataBlockSize sectors per data block
     * @param lowWater      the low-water mark in data blocks
     * @param features      the feature arguments, in the order recorded
     * @return the device
     */
    public static PlannedDevice thinpool(DmNames names, long dataSize, long dataBlockSize, long lowWater, List<String> features) {
        String params = ref(names.thinmeta()) + " " + ref(names.thindata()) + " " + dataBlockSize + " " + lowWater + " "
                + features.size() + (features.isEmpty() ? "" : " " + String.join(" ", features));
        return new PlannedDevice(names.thinpool(), UdevRules.PRIVATE, List.of(new TargetLine(0, dataSize, "thin-pool", params)));
    }

    /**
     * A filesystem's thin device: {@code 0 <size> thin <pool> <thin id>}, with udev's normal rules.
     *
     * @param names      the pool's names
     * @param filesystem the filesystem's UUID
     * @param size       its size
     * @param thinId     its thin id
     * @return the device
     */
    public static PlannedDevice thin(DmNames names, UUID filesystem, long size, long thinId) {
        return new PlannedDevice(names.filesystem(filesystem), UdevRules.NORMAL,
                List.of(new TargetLine(0, size, "thin", ref(names.thinpool()) + " " + thinId)));
    }

    /**
     * The low-water mark a new thin pool gets: 15 GiB of blocks, or half the data device if that is less.
     *
     * @param dataSize      the thin data device's size
     * @param dataBlockSize sectors per data block
     * @return data blocks
     */
    public static long lowWaterAtCreation(long dataSize, long dataBlockSize) {
        return Math.min(LOW_WATER_BLOCKS, dataSize / dataBlockSize / 2);
    }

    /**
     * The low-water mark of a thin pool being set up: the whole data device, so the first write
     * raises an event and the first check sets the standard mark.
     *
     * @param dataSize      the thin data device's size
     * @param dataBlockSize sectors per data block
     * @return data blocks
     */
    public static long lowWaterAtSetup(long dataSize, long dataBlockSize) {
        return dataSize / dataBlockSize;
    }

    /**
     * The backstore of a pool without a cache tier, bottom up: V1's cap is {@code originsub};
     * V2 adds the placeholder {@code physical-cache} above it.
     *
     * @param names           the pool's names
     * @param metadataVersion 1 or 2
     * @param segments        the data tier's segments
     * @param blockdevs       each block device's number
     * @return the devices, in creation order; the last is the cap
     */
    public static List<PlannedDevice> backstore(DmNames names, int metadataVersion, List<Segment> segments,
                                                Map<UUID, DevNum> blockdevs) {
        return backstore(names, metadataVersion, segments, Optional.empty(), blockdevs);
    }

    /**
     * The backstore of a pool, bottom up, in upstream's set-up order: originsub; with a cache tier
     * its metadata and cache sub-devices and {@code physical-cache} as a dm-cache device (V1 and V2
     * alike); without one, V2's placeholder (V1's cap is then originsub itself).
     *
     * @param names           the pool's names
     * @param metadataVersion 1 or 2
     * @param segments        the data tier's segments
     * @param cacheTier       the cache tier's segments: {@code allocs[0]} the cache, {@code allocs[1]} its metadata
     * @param blockdevs       each block device's number, of both tiers
     * @return the devices, in creation order; the last is the cap
     */
    public static List<PlannedDevice> backstore(DmNames names, int metadataVersion, List<Segment> segments,
                                                Optional<PoolSave.CacheTier> cacheTier, Map<UUID, DevNum> blockdevs) {
        PlannedDevice origin = originsub(names, segments, blockdevs);
        if (cacheTier.isPresent()) {
            List<List<Segment>> allocs = cacheTier.get().blockdev().allocs();
            return List.of(origin, linear(names.metasub(), allocs.get(1), blockdevs), linear(names.cachesub(), allocs.get(0), blockdevs),
                    cache(names, origin.size()));
        }
        return metadataVersion == 1 ? List.of(origin) : List.of(origin, placeholder(names, origin.size()));
    }

    /**
     * The flex devices of a pool set up from its metadata, in upstream's setup order: the metadata
     * volume, the thin metadata, the thin data.
     *
     * @param names the pool's names
     * @param cap   the cap device's name
     * @param flex  the flex devices' ranges
     * @return the devices
     */
    public static List<PlannedDevice> flexForSetup(DmNames names, String cap, PoolSave.FlexDevs flex) {
        return List.of(flex(names.mdv(), cap, flex.metaDev()), flex(names.thinmeta(), cap, flex.thinMetaDev()),
                flex(names.thindata(), cap, flex.thinDataDev()));
    }
}
