package org.storage.stratisd.engine.strat.backstore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.storage.stratisd.engine.strat.serde.PoolSave;

/**
 * The layout of a new pool with metadata version 1, as upstream 3.5.9 computes it (real-engine
 * spec §2.2-2.4): thin metadata, its spare, thin data and the metadata volume in one request
 * from the cap device, the data tier allocated front-first across the devices in order.
 */
public final class InitialLayout {

    /** Sectors every device keeps for its BDA. */
    public static final long BDA_SECTORS = 8192;
    /** Thin-pool data block size, sectors. */
    public static final long DATA_BLOCK_SIZE = 2048;
    /** Metadata-volume size, sectors (512 MiB). */
    public static final long MDV_SECTORS = 1048576;
    /** Largest initial thin data device, sectors (50 GiB). */
    public static final long MAX_INITIAL_DATA = 104857600;
    /** 3.5.9's cap on thin metadata, sectors. */
    public static final long MAX_META_V1 = 33292800;
    /** The default filesystem limit of the real engine. */
    public static final long DEFAULT_FS_LIMIT = 100;
    /** Thin-pool features at creation, in the order 3.5.9 was seen to write them. */
    public static final List<String> FEATURE_ARGS = List.of("skip_block_zeroing", "no_discard_passdown");

    private InitialLayout() {
    }

    /**
     * A device to lay out on.
     *
     * @param uuid        its new device UUID
     * @param sizeSectors its size
     */
    public record Device(UUID uuid, long sizeSectors) {
    }

    /**
     * Computes the metadata of a new V1 pool.
     *
     * @param name     the pool's name
     * @param devices  its data devices, in order
     * @param thinMeta the thin-metadata size calculation
     * @return the document to write
     * @throws IOException if the thin-metadata size cannot be computed
     * @throws IllegalArgumentException if the devices are too small for a pool
     */
    public static PoolSave v1(String name, List<Device> devices, ThinMetadataSize thinMeta) throws IOException {
        long usable = 0;
        for (Device d : devices) {
            usable += Math.max(0, d.sizeSectors() - BDA_SECTORS);
        }
        long t = thinMeta.sectors(DATA_BLOCK_SIZE * 512, usable * 512, DEFAULT_FS_LIMIT);
        long meta = Math.min(8 * t, MAX_META_V1);
        long room = Math.max(0, usable - MDV_SECTORS - 2 * meta);
        long data = Math.min(room, MAX_INITIAL_DATA) / DATA_BLOCK_SIZE * DATA_BLOCK_SIZE;
        if (data == 0) {
            throw new IllegalArgumentException("the devices give " + usable + " usable sectors, too few for a pool: it needs "
                    + (2 * meta + MDV_SECTORS + DATA_BLOCK_SIZE) + " for its metadata, its metadata volume and one data block");
        }
        long total = 2 * meta + data + MDV_SECTORS;
        List<PoolSave.Segment> segments = allocateFront(devices, total);
        return new PoolSave(name,
                new PoolSave.Backstore(
                        new PoolSave.DataTier(new PoolSave.BlockDevMgr(List.of(segments),
                                devices.stream().map(d -> new PoolSave.BlockDev(d.uuid(), List.of(), Optional.empty(),
                                        Optional.empty())).toList()), Optional.empty()),
                        new PoolSave.Cap(List.of(new PoolSave.Range(0, total)), List.of()),
                        Optional.empty()),
                new PoolSave.FlexDevs(List.of(new PoolSave.Range(2 * meta + data, MDV_SECTORS)),
                        List.of(new PoolSave.Range(0, meta)), List.of(new PoolSave.Range(2 * meta, data)),
                        List.of(new PoolSave.Range(meta, meta))),
                new PoolSave.ThinPoolDev(DATA_BLOCK_SIZE, Optional.of(FEATURE_ARGS), OptionalLong.of(DEFAULT_FS_LIMIT),
                        Optional.of(true)),
                Optional.of(true), List.of(), OptionalLong.empty());
    }

    /**
     * Allocates sectors from the devices in order, each from the end of its BDA, merging a piece
     * into the previous one when contiguous on the same device.
     *
     * @param devices the devices
     * @param sectors how many
     * @return the segments, in allocation order
     */
    static List<PoolSave.Segment> allocateFront(List<Device> devices, long sectors) {
        List<PoolSave.Segment> out = new ArrayList<>();
        long need = sectors;
        for (Device d : devices) {
            if (need == 0) {
                break;
            }
            long take = Math.min(need, Math.max(0, d.sizeSectors() - BDA_SECTORS));
            if (take > 0) {
                out.add(new PoolSave.Segment(d.uuid(), BDA_SECTORS, take));
                need -= take;
            }
        }
        if (need > 0) {
            throw new IllegalArgumentException("not enough space: " + need + " sectors short");
        }
        return out;
    }
}
