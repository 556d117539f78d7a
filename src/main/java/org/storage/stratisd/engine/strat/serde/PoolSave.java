package org.storage.stratisd.engine.strat.serde;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The pool-level metadata document kept in the MDA (real-engine spec §3.3), one record per JSON
 * object. Optional members are those upstream omits or may omit; a document read without them
 * is written back without them. Sizes and offsets are in sectors.
 *
 * @param name          the pool's name
 * @param backstore     the tiers and the cap device's allocations
 * @param flexDevs      the linear devices on the cap device
 * @param thinpoolDev   the thin pool's settings
 * @param started       whether the pool was running when last written (absent: true)
 * @param features      V2 pool features, in upstream's order; empty is omitted
 * @param lastReencrypt seconds of the last re-encryption (3.9 and later), if any
 */
public record PoolSave(String name, Backstore backstore, FlexDevs flexDevs, ThinPoolDev thinpoolDev,
                       Optional<Boolean> started, List<String> features, OptionalLong lastReencrypt) {

    /** Copies the list. */
    public PoolSave {
        features = List.copyOf(features);
    }

    /**
     * A {@code [start, length]} pair.
     *
     * @param start  first sector
     * @param length sectors
     */
    public record Range(long start, long length) {
    }

    /**
     * A piece of a tier on one device.
     *
     * @param parent the device's UUID
     * @param start  first sector on the device
     * @param length sectors
     */
    public record Segment(UUID parent, long start, long length) {
    }

    /**
     * One block device of a tier.
     *
     * @param uuid                its UUID (equal to its signature block's)
     * @param integrityMetaAllocs V2: space reserved at its end for integrity metadata
     * @param userInfo            the user's label
     * @param hardwareInfo        udev's {@code ID_WWN} at initialisation
     */
    public record BlockDev(UUID uuid, List<Range> integrityMetaAllocs, Optional<String> userInfo,
                           Optional<String> hardwareInfo) {

        /** Copies the list. */
        public BlockDev {
            integrityMetaAllocs = List.copyOf(integrityMetaAllocs);
        }
    }

    /**
     * The devices of a tier and the segment lists allocated from them.
     *
     * @param allocs segment lists: one for the data tier; cache then meta for the cache tier
     * @param devs   the devices, in allocation order
     */
    public record BlockDevMgr(List<List<Segment>> allocs, List<BlockDev> devs) {

        /** Copies the lists. */
        public BlockDevMgr {
            allocs = allocs.stream().map(List::copyOf).toList();
            devs = List.copyOf(devs);
        }
    }

    /**
     * V2 integrity settings of the data tier.
     *
     * @param tagSpec            {@code 0b}, {@code 32b} or {@code 512b}
     * @param journalSize        sectors
     * @param blockSize          bytes
     * @param allocateSuperblock whether a superblock is reserved
     */
    public record IntegritySpec(String tagSpec, long journalSize, long blockSize, boolean allocateSuperblock) {
    }

    /**
     * The data tier.
     *
     * @param blockdev      its devices and segments
     * @param integritySpec V2 integrity settings, if any
     */
    public record DataTier(BlockDevMgr blockdev, Optional<IntegritySpec> integritySpec) {
    }

    /**
     * The cap device's allocations.
     *
     * @param allocs          V1: one pair {@code [0, next]}; V2: one pair per request
     * @param cryptMetaAllocs V2: the space kept for a LUKS2 header; empty is omitted
     */
    public record Cap(List<Range> allocs, List<Range> cryptMetaAllocs) {

        /** Copies the lists. */
        public Cap {
            allocs = List.copyOf(allocs);
            cryptMetaAllocs = List.copyOf(cryptMetaAllocs);
        }
    }

    /**
     * The backstore.
     *
     * @param dataTier  the data tier
     * @param cap       the cap device
     * @param cacheTier the cache tier, if any
     */
    public record Backstore(DataTier dataTier, Cap cap, Optional<BlockDevMgr> cacheTier) {
    }

    /**
     * The linear devices built on the cap device.
     *
     * @param metaDev          the metadata volume
     * @param thinMetaDev      thin-pool metadata
     * @param thinDataDev      thin-pool data
     * @param thinMetaDevSpare spare thin-pool metadata
     */
    public record FlexDevs(List<Range> metaDev, List<Range> thinMetaDev, List<Range> thinDataDev,
                           List<Range> thinMetaDevSpare) {

        /** Copies the lists. */
        public FlexDevs {
            metaDev = List.copyOf(metaDev);
            thinMetaDev = List.copyOf(thinMetaDev);
            thinDataDev = List.copyOf(thinDataDev);
            thinMetaDevSpare = List.copyOf(thinMetaDevSpare);
        }

        /**
         * The total of all four lists.
         *
         * @return sectors
         */
        public long totalSectors() {
            return sum(metaDev) + sum(thinMetaDev) + sum(thinDataDev) + sum(thinMetaDevSpare);
        }
    }

    /**
     * The thin pool's settings.
     *
     * @param dataBlockSize  sectors per data block
     * @param featureArgs    thin-pool feature arguments, in the order written
     * @param fsLimit        the filesystem limit
     * @param enableOverprov whether overprovisioning is allowed
     */
    public record ThinPoolDev(long dataBlockSize, Optional<List<String>> featureArgs, OptionalLong fsLimit,
                              Optional<Boolean> enableOverprov) {

        /** Copies the list. */
        public ThinPoolDev {
            featureArgs = featureArgs.map(List::copyOf);
        }
    }

    /**
     * The sum of the lengths of a range list.
     *
     * @param ranges the ranges
     * @return sectors
     */
    public static long sum(List<Range> ranges) {
        return ranges.stream().mapToLong(Range::length).sum();
    }
}
