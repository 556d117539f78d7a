package org.storage.stratisd.engine.strat.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.storage.stratisd.engine.strat.device.BlockAccess;

/**
 * The metadata area (MDA) of one device: four regions of 508 sectors from byte 8192. Regions 0
 * and 1 are the primaries, 2 and 3 their copies. A save writes the older primary and then its
 * copy, so the two primaries alternate.
 *
 * <p>Reading is stricter about damage than upstream and loses nothing upstream would find: a
 * region counts only if its header and its data both check, and the newest such region wins.
 * Upstream reads the newer primary's header (its copy's if damaged) and fails if that region's
 * data is torn; here a torn newest region falls back to its copy and then to the previous save.
 * A save writes each region's data before its header, syncing in between, so a write cut short
 * leaves the region's old header in place, and that header no longer matches, or still matches,
 * complete data; never a header for data that is not all there.
 */
public final class MetadataArea {

    /** Byte offset of region 0. */
    public static final long OFFSET = StaticHeader.SECTORS * StaticHeader.SECTOR;
    /** Number of regions. */
    public static final int REGIONS = 4;
    /** Bytes per region with the default MDA size (2032 sectors / 4). */
    public static final int REGION_BYTES = 508 * StaticHeader.SECTOR;
    /** The largest document a region holds. */
    public static final int MAX_DATA = REGION_BYTES - MdaRegionHeader.SIZE;

    private MetadataArea() {
    }

    /**
     * One region as read from the device.
     *
     * @param index  0..3
     * @param header its header, if that is valid
     * @param error  why the header or data is not usable, empty if it is
     * @param data   its data, if header and data both check
     */
    public record Region(int index, Optional<MdaRegionHeader> header, String error, Optional<byte[]> data) {

        /**
         * The byte offset of this region.
         *
         * @return offset from the start of the device
         */
        public long offset() {
            return regionOffset(index);
        }

        /**
         * Whether header and data are both good and the region was written.
         *
         * @return true if it holds a usable document
         */
        public boolean usable() {
            return data.isPresent();
        }
    }

    /**
     * The state of all four regions of one device.
     *
     * @param regions regions 0..3
     */
    public record State(List<Region> regions) {

        /** Copies the list. */
        public State {
            regions = List.copyOf(regions);
        }

        /**
         * The newest usable region.
         *
         * @return it, or empty when no region holds a document
         */
        public Optional<Region> newest() {
            return regions.stream().filter(Region::usable)
                    .max(Comparator.comparing((Region r) -> r.header().orElseThrow().time().orElseThrow())
                            .thenComparing(Region::index, Comparator.reverseOrder()));
        }

        /**
         * The device's last update time: that of its newest usable region.
         *
         * @return the time, or empty if nothing was saved
         */
        public Optional<Instant> lastUpdate() {
            return newest().map(r -> r.header().orElseThrow().time().orElseThrow());
        }

        /**
         * The primary (0 or 1) the next save overwrites: one with nothing usable, else the one
         * whose newest usable copy is older (ties: 1, as upstream).
         *
         * @return 0 or 1
         */
        public int older() {
            Optional<Instant> t0 = slotTime(0);
            Optional<Instant> t1 = slotTime(1);
            if (t0.isEmpty()) {
                return 0;
            }
            if (t1.isEmpty()) {
                return 1;
            }
            return t0.get().isBefore(t1.get()) ? 0 : 1;
        }

        private Optional<Instant> slotTime(int slot) {
            return List.of(regions.get(slot), regions.get(slot + 2)).stream().filter(Region::usable)
                    .map(r -> r.header().orElseThrow().time().orElseThrow()).max(Comparator.naturalOrder());
        }
    }

    /**
     * The byte offset of a region.
     *
     * @param index 0..3
     * @return the offset
     */
    public static long regionOffset(int index) {
        return OFFSET + (long) index * REGION_BYTES;
    }

    /**
     * Reads all four regions, headers and data.
     *
     * @param device the device
     * @return their state
     * @throws MetadataException if the device cannot be read
     */
    public static State read(BlockAccess device) throws MetadataException {
        List<Region> regions = new ArrayList<>(REGIONS);
        try {
            for (int i = 0; i < REGIONS; i++) {
                regions.add(readRegion(device, i));
            }
        } catch (IOException e) {
            throw new MetadataException(device.name() + ": cannot read the metadata area: " + e.getMessage(), e);
        }
        return new State(regions);
    }

    private static Region readRegion(BlockAccess device, int index) throws IOException {
        MdaRegionHeader.Decoded decoded = MdaRegionHeader.decode(device.readBytes(regionOffset(index), MdaRegionHeader.SIZE));
        if (decoded.header().isEmpty()) {
            return new Region(index, Optional.empty(), decoded.error(), Optional.empty());
        }
        MdaRegionHeader header = decoded.header().get();
        if (header.isEmpty()) {
            return new Region(index, decoded.header(), "", Optional.empty());
        }
        if (header.used() > MAX_DATA) {
            return new Region(index, decoded.header(), "region header claims " + header.used()
                    + " bytes of data, more than a region holds", Optional.empty());
        }
        byte[] data = device.readBytes(regionOffset(index) + MdaRegionHeader.SIZE, (int) header.used());
        CRC32C crc = new CRC32C();
        crc.update(data);
        if (crc.getValue() != header.dataCrc()) {
            return new Region(index, decoded.header(), String.format("data CRC invalid (header says 0x%08x, data has 0x%08x)",
                    header.dataCrc(), crc.getValue()), Optional.empty());
        }
        return new Region(index, decoded.header(), "", Optional.of(data));
    }

    /**
     * Writes the empty headers of a freshly initialised device into all four regions.
     *
     * @param device the device
     * @throws MetadataException if a write fails
     */
    public static void initialise(BlockAccess device) throws MetadataException {
        try {
            for (int i = 0; i < REGIONS; i++) {
                device.write(regionOffset(i), ByteBuffer.wrap(MdaRegionHeader.EMPTY.encode()));
            }
            device.sync();
        } catch (IOException e) {
            throw new MetadataException(device.name() + ": cannot initialise the metadata area: " + e.getMessage(), e);
        }
    }

    /**
     * Saves a document: into the older primary, then into its copy; data before header and a sync
     * after each write.
     *
     * @param device the device
     * @param state  its state as last read
     * @param data   the document
     * @param time   the update time; must be later than the device's last update
     * @return the state after the save
     * @throws MetadataException if the document is too large, the time is not later, or a write fails
     */
    public static State save(BlockAccess device, State state, byte[] data, Instant time) throws MetadataException {
        if (data.length > MAX_DATA) {
            throw new MetadataException(device.name() + ": metadata of " + data.length + " bytes does not fit a region of "
                    + MAX_DATA + " bytes");
        }
        Optional<Instant> last = state.lastUpdate();
        if (last.isPresent() && !time.isAfter(last.get())) {
            throw new MetadataException(device.name() + ": Overwriting newer data: the device was last updated at "
                    + last.get() + ", this save is stamped " + time);
        }
        MdaRegionHeader header = MdaRegionHeader.forData(data, time);
        int primary = state.older();
        List<Region> regions = new ArrayList<>(state.regions());
        for (int index : new int[] {primary, primary + 2}) {
            try {
                device.write(regionOffset(index) + MdaRegionHeader.SIZE, ByteBuffer.wrap(data));
                device.sync();
                device.write(regionOffset(index), ByteBuffer.wrap(header.encode()));
                device.sync();
            } catch (IOException e) {
                throw new MetadataException(device.name() + ": cannot write metadata region " + index + ": " + e.getMessage(), e);
            }
            regions.set(index, new Region(index, Optional.of(header), "", Optional.of(data.clone())));
        }
        return new State(regions);
    }
}
