package org.storage.stratisd.engine.strat.backstore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.storage.stratisd.engine.strat.serde.PoolSave;

/**
 * The layout of a new pool (real-engine spec §2.2-2.4): thin metadata, its spare, thin data and
 * the metadata volume in one request from the cap device, the data tier allocated front-first
 * across the devices in order. Version 2 (what 3.9.2 creates, and this daemon) also reserves each
 * device's integrity space at its end and the LUKS2 header area at the start of the cap; version 1
 * is 3.5.9's layout, kept to check against upstream's fixtures.
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
    /** 3.9.2's cap on thin metadata: 3.5.9's, rounded down to whole megabytes. */
    public static final long MAX_META_V2 = MAX_META_V1 / 2048 * 2048;
    /** The default filesystem limit of the real engine. */
    public static final long DEFAULT_FS_LIMIT = 100;
    /** Thin-pool features at creation, in the order 3.5.9 was seen to write them. */
    public static final List<String> FEATURE_ARGS = List.of("skip_block_zeroing", "no_discard_passdown");
    /** Thin-pool features at creation as 3.9.2 writes them: sorted. */
    public static final List<String> FEATURE_ARGS_V2 = List.of("no_discard_passdown", "skip_block_zeroing");
    /** The {@code features} of a V2 pool encrypted with a key description, in 3.9.2's order. */
    public static final List<String> ENCRYPTED_FEATURES = List.of(PoolSave.ENCRYPTION, "KeyDescriptionEnabled");

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
     * Computes the metadata of a new V2 pool, as 3.9.2 lays it out.
     *
     * @param name      the pool's name
     * @param blockdevs its data devices, in order, as {@link Blockdev#initialise} made them
     * @param integrity the integrity settings
     * @param thinMeta  the thin-metadata size calculation
     * @return the document to write
     * @throws IOException if the thin-metadata size cannot be computed
     * @throws IllegalArgumentException if the devices are too small for a pool
     */
    public static PoolSave v2(String name, List<Blockdev> blockdevs, PoolSave.IntegritySpec integrity, ThinMetadataSize thinMeta)
            throws IOException {
        return v2(name, blockdevs, integrity, thinMeta, false);
    }

    /**
     * The metadata of a new version 2 pool, encrypted or not: an encrypted pool's flex devices
     * start at 0 on its crypt device, and its {@code features} are {@code Encryption} and
     * {@code KeyDescriptionEnabled} (spec §2.3, §3.3).
     *
     * @param name      the pool name
     * @param blockdevs its devices, BDAs planned
     * @param integrity the integrity settings
     * @param thinMeta  thin-metadata sizing
     * @param encrypted whether the cap gets a LUKS2 header bound to a key description
     * @return the metadata
     * @throws IOException if the thin-metadata calculation fails
     */
    public static PoolSave v2(String name, List<Blockdev> blockdevs, PoolSave.IntegritySpec integrity, ThinMetadataSize thinMeta,
                              boolean encrypted) throws IOException {
        Backstore backstore = new Backstore(2, new DataTier(blockdevs, List.of(), Optional.of(integrity)), List.of(), List.of(),
                Optional.empty(), encrypted);
        if (!backstore.reserveCryptMeta()) {
            throw new IllegalArgumentException("the devices give " + backstore.usableSize() + " usable sectors, too few for a pool");
        }
        long usable = backstore.available();
        long meta = thinMetaV2(thinMeta, usable, DEFAULT_FS_LIMIT);
        long data = initialData(usable, meta);
        if (data == 0) {
            throw new IllegalArgumentException("the devices give " + usable + " usable sectors, too few for a pool: it needs "
                    + (2 * meta + MDV_SECTORS + DATA_BLOCK_SIZE) + " for its metadata, its metadata volume and one data block");
        }
        List<PoolSave.Range> caps = backstore.alloc(List.of(meta, meta, data, MDV_SECTORS)).orElseThrow(
                () -> new IllegalArgumentException("not enough space for the thin pool's devices"));
        return new PoolSave(name, backstore.save(),
                new PoolSave.FlexDevs(List.of(caps.get(3)), List.of(caps.get(0)), List.of(caps.get(2)), List.of(caps.get(1))),
                new PoolSave.ThinPoolDev(DATA_BLOCK_SIZE, Optional.of(FEATURE_ARGS_V2), OptionalLong.of(DEFAULT_FS_LIMIT),
                        Optional.of(true)),
                Optional.of(true), encrypted ? ENCRYPTED_FEATURES : List.of(), OptionalLong.empty());
    }

    /**
     * 3.9.2's thin-metadata size: eight times {@code thin_metadata_size}, rounded up to whole
     * megabytes, at most {@link #MAX_META_V2}.
     *
     * @param thinMeta the calculation
     * @param usable   sectors the thin pool could map
     * @param fsLimit  the filesystem limit
     * @return sectors
     * @throws IOException if the calculation fails
     */
    public static long thinMetaV2(ThinMetadataSize thinMeta, long usable, long fsLimit) throws IOException {
        long t = thinMeta.sectors(DATA_BLOCK_SIZE * 512, usable * 512, fsLimit);
        return Math.min((8 * t + 2047) / 2048 * 2048, MAX_META_V2);
    }

    /**
     * The initial thin data device: what is left after the metadata volume and both metadata
     * devices, at most 50 GiB, in whole data blocks.
     *
     * @param usable sectors available
     * @param meta   the metadata device's size
     * @return sectors
     */
    public static long initialData(long usable, long meta) {
        long room = Math.max(0, usable - MDV_SECTORS - 2 * meta);
        return Math.min(room, MAX_INITIAL_DATA) / DATA_BLOCK_SIZE * DATA_BLOCK_SIZE;
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
