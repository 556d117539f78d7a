package org.storage.stratisd.engine.strat.serde;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The pool-level metadata document kept in the MDA (real-engine spec §3.3), one record per JSON
 * object. Optional members are those upstream omits or may omit; a document read without them
 * is written back without them. Sizes and offsets are in sectors. Every record maps to its JSON
 * object by name (snake case, components in upstream's key order); {@link PoolSaveCodec} reads and
 * writes them.
 *
 * @param name          the pool's name
 * @param backstore     the tiers and the cap device's allocations
 * @param flexDevs      the linear devices on the cap device
 * @param thinpoolDev   the thin pool's settings
 * @param started       whether the pool was running when last written (absent: true)
 * @param features      V2 pool features, in upstream's order; empty is omitted
 * @param lastReencrypt seconds of the last re-encryption (3.9 and later), if any
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PoolSave(@JsonProperty(required = true) String name, @JsonProperty(required = true) Backstore backstore,
                       @JsonProperty(required = true) FlexDevs flexDevs, @JsonProperty(required = true) ThinPoolDev thinpoolDev,
                       @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<Boolean> started,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> features,
                       @JsonInclude(JsonInclude.Include.NON_ABSENT) OptionalLong lastReencrypt) {

    /** The {@code features} entry of a V2 pool whose cap is encrypted. */
    public static final String ENCRYPTION = "Encryption";

    /** Copies the list; an absent list is empty. */
    public PoolSave {
        features = features == null ? List.of() : List.copyOf(features);
        started = started == null ? Optional.empty() : started;
        lastReencrypt = lastReencrypt == null ? OptionalLong.empty() : lastReencrypt;
    }

    /**
     * Whether the metadata records an encrypted cap ({@code features} holds {@link #ENCRYPTION}).
     *
     * @return true for an encrypted V2 pool
     */
    public boolean encrypted() {
        return features.contains(ENCRYPTION);
    }

    /**
     * The same document without its cache tier (a pool started with {@code remove_cache}).
     *
     * @return the copy
     */
    public PoolSave withoutCacheTier() {
        return new PoolSave(name, new Backstore(backstore.dataTier(), backstore.cap(), Optional.empty()), flexDevs, thinpoolDev,
                started, features, lastReencrypt);
    }

    /**
     * A {@code [start, length]} pair.
     *
     * @param start  first sector
     * @param length sectors
     */
    @JsonDeserialize(using = PoolSaveCodec.RangeReader.class)
    public record Range(long start, long length) {

        /**
         * The JSON form, a two-element array.
         *
         * @return {@code [start, length]}
         */
        @JsonValue
        List<Long> pair() {
            return List.of(start, length);
        }
    }

    /**
     * A piece of a tier on one device.
     *
     * @param parent the device's UUID
     * @param start  first sector on the device
     * @param length sectors
     */
    public record Segment(@JsonProperty(required = true) UUID parent, @JsonProperty(required = true) long start,
                          @JsonProperty(required = true) long length) {
    }

    /**
     * One block device of a tier.
     *
     * @param uuid                its UUID (equal to its signature block's)
     * @param integrityMetaAllocs V2: space reserved at its end for integrity metadata
     * @param userInfo            the user's label
     * @param hardwareInfo        udev's {@code ID_WWN} at initialisation
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record BlockDev(@JsonProperty(required = true) UUID uuid,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Range> integrityMetaAllocs,
                           @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> userInfo,
                           @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> hardwareInfo) {

        /** Copies the list; absent members are empty. */
        public BlockDev {
            integrityMetaAllocs = integrityMetaAllocs == null ? List.of() : List.copyOf(integrityMetaAllocs);
            userInfo = userInfo == null ? Optional.empty() : userInfo;
            hardwareInfo = hardwareInfo == null ? Optional.empty() : hardwareInfo;
        }
    }

    /**
     * The devices of a tier and the segment lists allocated from them.
     *
     * @param allocs segment lists: one for the data tier; cache then meta for the cache tier
     * @param devs   the devices, in allocation order
     */
    public record BlockDevMgr(@JsonProperty(required = true) List<List<Segment>> allocs,
                              @JsonProperty(required = true) List<BlockDev> devs) {

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
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record IntegritySpec(String tagSpec, long journalSize, long blockSize, boolean allocateSuperblock) {

        /**
         * Reads the settings, each absent one taking upstream's default.
         *
         * @param tagSpec            the tag specification, default {@code 512b}
         * @param journalSize        sectors, default 262144
         * @param blockSize          bytes, default 4096
         * @param allocateSuperblock default true
         * @return the settings
         */
        @JsonCreator
        static IntegritySpec read(@JsonProperty("tag_spec") String tagSpec, @JsonProperty("journal_size") Long journalSize,
                                  @JsonProperty("block_size") Long blockSize,
                                  @JsonProperty("allocate_superblock") Boolean allocateSuperblock) {
            return new IntegritySpec(Objects.requireNonNullElse(tagSpec, "512b"), Objects.requireNonNullElse(journalSize, 262144L),
                    Objects.requireNonNullElse(blockSize, 4096L), Objects.requireNonNullElse(allocateSuperblock, true));
        }
    }

    /**
     * The data tier.
     *
     * @param blockdev      its devices and segments
     * @param integritySpec V2 integrity settings, if any
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DataTier(@JsonProperty(required = true) BlockDevMgr blockdev,
                           @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<IntegritySpec> integritySpec) {

        /** An absent integrity specification is empty. */
        public DataTier {
            integritySpec = integritySpec == null ? Optional.empty() : integritySpec;
        }
    }

    /**
     * The cache tier.
     *
     * @param blockdev its devices and segments: cache segments, then metadata segments
     */
    public record CacheTier(@JsonProperty(required = true) BlockDevMgr blockdev) {
    }

    /**
     * The cap device's allocations.
     *
     * @param allocs          V1: one pair {@code [0, next]}; V2: one pair per request
     * @param cryptMetaAllocs V2: the space kept for a LUKS2 header; empty is omitted
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Cap(@JsonProperty(required = true) List<Range> allocs,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Range> cryptMetaAllocs) {

        /** Copies the lists; an absent list is empty. */
        public Cap {
            allocs = List.copyOf(allocs);
            cryptMetaAllocs = cryptMetaAllocs == null ? List.of() : List.copyOf(cryptMetaAllocs);
        }
    }

    /**
     * The backstore.
     *
     * @param dataTier  the data tier
     * @param cap       the cap device
     * @param cacheTier the cache tier, if any
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Backstore(@JsonProperty(required = true) DataTier dataTier, @JsonProperty(required = true) Cap cap,
                            @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<CacheTier> cacheTier) {

        /** An absent cache tier is empty. */
        public Backstore {
            cacheTier = cacheTier == null ? Optional.empty() : cacheTier;
        }
    }

    /**
     * The linear devices built on the cap device.
     *
     * @param metaDev          the metadata volume
     * @param thinMetaDev      thin-pool metadata
     * @param thinDataDev      thin-pool data
     * @param thinMetaDevSpare spare thin-pool metadata
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FlexDevs(@JsonProperty(required = true) List<Range> metaDev, @JsonProperty(required = true) List<Range> thinMetaDev,
                           @JsonProperty(required = true) List<Range> thinDataDev,
                           @JsonProperty(required = true) List<Range> thinMetaDevSpare) {

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
        @JsonIgnore
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
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ThinPoolDev(@JsonProperty(required = true) long dataBlockSize,
                              @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<List<String>> featureArgs,
                              @JsonInclude(JsonInclude.Include.NON_ABSENT) OptionalLong fsLimit,
                              @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<Boolean> enableOverprov) {

        /** Copies the list; absent members are empty. */
        public ThinPoolDev {
            featureArgs = featureArgs == null ? Optional.empty() : featureArgs.map(List::copyOf);
            fsLimit = fsLimit == null ? OptionalLong.empty() : fsLimit;
            enableOverprov = enableOverprov == null ? Optional.empty() : enableOverprov;
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
