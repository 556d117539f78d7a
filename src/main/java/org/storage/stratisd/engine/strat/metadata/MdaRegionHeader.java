package org.storage.stratisd.engine.strat.metadata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The 32-byte header of one metadata region (little-endian): CRC-32C of header bytes 4..31,
 * CRC-32C of the data, data length, last-update time (seconds and nanoseconds), region header
 * version 1, metadata version 1.
 *
 * @param dataCrc  CRC-32C of the {@code used} data bytes
 * @param used     data length; 0 means the region was never written
 * @param seconds  last update, seconds since the epoch
 * @param nanos    last update, nanoseconds
 */
public record MdaRegionHeader(long dataCrc, long used, long seconds, int nanos) {

    /** Size in bytes. */
    public static final int SIZE = 32;
    private static final int REGION_VERSION = 1;
    private static final int METADATA_VERSION = 1;

    /** The header of a region that was never written. */
    public static final MdaRegionHeader EMPTY = new MdaRegionHeader(0, 0, 0, 0);

    /**
     * A header for data written at a time.
     *
     * @param data the data
     * @param time the update time
     * @return the header
     */
    public static MdaRegionHeader forData(byte[] data, Instant time) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return new MdaRegionHeader(crc.getValue(), data.length, time.getEpochSecond(), time.getNano());
    }

    /**
     * Whether this region holds data.
     *
     * @return false for a never-written region
     */
    public boolean isEmpty() {
        return used == 0;
    }

    /**
     * The last-update time of a written region.
     *
     * @return the time, or empty for a never-written region
     */
    public Optional<Instant> time() {
        return isEmpty() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(seconds, nanos));
    }

    /**
     * Encodes the header.
     *
     * @return 32 bytes
     */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4, (int) dataCrc);
        b.putLong(8, used);
        b.putLong(16, seconds);
        b.putInt(24, nanos);
        b.put(28, (byte) REGION_VERSION);
        b.put(29, (byte) METADATA_VERSION);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 4, SIZE - 4);
        b.putInt(0, (int) crc.getValue());
        return b.array();
    }

    /**
     * Decodes a header, checking its CRC and version bytes.
     *
     * @param bytes 32 bytes
     * @return the header, or a description of what is wrong
     */
    public static Decoded decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 4, SIZE - 4);
        long stored = Integer.toUnsignedLong(b.getInt(0));
        if (stored != crc.getValue()) {
            return new Decoded(Optional.empty(), String.format("region header CRC invalid (stored 0x%08x, computed 0x%08x)",
                    stored, crc.getValue()));
        }
        int regionVersion = Byte.toUnsignedInt(bytes[28]);
        int metadataVersion = Byte.toUnsignedInt(bytes[29]);
        if (regionVersion != REGION_VERSION || metadataVersion != METADATA_VERSION) {
            return new Decoded(Optional.empty(), "unknown region header version " + regionVersion
                    + " / metadata version " + metadataVersion);
        }
        long used = b.getLong(8);
        int nanos = b.getInt(24);
        if (used < 0 || nanos < 0 || nanos >= 1_000_000_000) {
            return new Decoded(Optional.empty(), "region header fields out of range");
        }
        return new Decoded(Optional.of(new MdaRegionHeader(Integer.toUnsignedLong(b.getInt(4)), used, b.getLong(16), nanos)),
                "");
    }

    /**
     * A decoded header or why there is none.
     *
     * @param header the header, if valid
     * @param error  what is wrong, if not
     */
    public record Decoded(Optional<MdaRegionHeader> header, String error) {
    }
}
