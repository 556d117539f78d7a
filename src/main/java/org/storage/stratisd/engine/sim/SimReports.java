package org.storage.stratisd.engine.sim;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The JSON documents the simulator answers with, as typed records: keys are the components'
 * names in snake case, in the order declared here (the order of upstream's simulator).
 */
final class SimReports {

    private SimReports() {
    }

    /**
     * {@code EngineStateReport}.
     *
     * @param pools                     the running pools
     * @param stoppedPools              the stopped pools
     * @param partiallyConstructedPools always empty in the simulator
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record EngineState(List<Pool> pools, List<Pool> stoppedPools, List<Pool> partiallyConstructedPools) {
    }

    /**
     * The {@code stopped_pools} report.
     *
     * @param stoppedPools the stopped pools
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Stopped(List<Pool> stoppedPools) {
    }

    /**
     * One pool in a report.
     *
     * @param poolUuid         its UUID
     * @param name             its name
     * @param availableActions always {@code fully_operational}
     * @param fsLimit          its filesystem limit
     * @param filesystems      its filesystems
     * @param blockdevs        its devices by tier
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Pool(String poolUuid, String name, String availableActions, long fsLimit, List<Filesystem> filesystems,
                Blockdevs blockdevs) {
    }

    /**
     * One filesystem in a report: sizes as upstream's sim words them.
     *
     * @param name      its name
     * @param uuid      its UUID
     * @param size      e.g. {@code 2097152 sectors}
     * @param used      e.g. {@code 536870912 bytes}
     * @param sizeLimit e.g. {@code 4194304 sectors}, or {@code Not set}
     * @param origin    the origin's UUID, or {@code Not set}
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Filesystem(String name, String uuid, String size, String used, String sizeLimit, String origin) {
    }

    /**
     * A pool's devices by tier.
     *
     * @param datadevs  the data tier
     * @param cachedevs the cache tier
     */
    record Blockdevs(List<Device> datadevs, List<Device> cachedevs) {
    }

    /**
     * One device in a report.
     *
     * @param uuid its UUID
     * @param path its path
     * @param size e.g. {@code 2097152 sectors}
     */
    record Device(String uuid, String path, String size) {
    }

    /**
     * The pool-level metadata ({@code Metadata}).
     *
     * @param name           the pool's name, or a placeholder for the last-written copy
     * @param fsLimit        its filesystem limit
     * @param enableOverprov whether overprovisioning is allowed
     * @param integritySpec  its integrity settings
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PoolMetadata(String name, long fsLimit, boolean enableOverprov, Integrity integritySpec) {
    }

    /**
     * Integrity settings in the metadata.
     *
     * @param tagSpec            the tag specification
     * @param journalSize        sectors
     * @param blockSize          bytes
     * @param allocateSuperblock whether a superblock is reserved
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Integrity(String tagSpec, long journalSize, long blockSize, boolean allocateSuperblock) {
    }

    /**
     * One filesystem's metadata ({@code FilesystemMetadata}, by UUID).
     *
     * @param name        its name
     * @param uuid        its UUID
     * @param size        sectors
     * @param created     seconds since the epoch
     * @param fsSizeLimit sectors, omitted when none
     * @param origin      the origin's UUID, omitted when none
     * @param merge       whether a revert is scheduled
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FilesystemMetadata(String name, String uuid, BigInteger size, long created,
                              @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<BigInteger> fsSizeLimit,
                              @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> origin, boolean merge) {
    }

}
