package org.storage.stratisd.engine.strat.metadata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * One copy of the 512-byte signature block at sector 1 or 9 of every Stratis device
 * (little-endian; layout in the real-engine spec, section 1.2).
 *
 * @param poolUuid            the pool
 * @param deviceUuid          this device
 * @param sizeSectors         the device size recorded at initialisation or growth
 * @param version             the metadata version, 1 or 2
 * @param mdaSizeSectors      size of the metadata area (2032)
 * @param reservedSizeSectors size of the reserved area (6144)
 * @param flags               flags (written as 0)
 * @param initTimeSeconds     initialisation time, seconds since the epoch
 */
public record SignatureBlock(UUID poolUuid, UUID deviceUuid, long sizeSectors, int version, long mdaSizeSectors,
                             long reservedSizeSectors, long flags, long initTimeSeconds) {

    /** Size of one copy in bytes. */
    public static final int SIZE = 512;
    /** MDA size every Stratis version writes. */
    public static final long DEFAULT_MDA_SECTORS = 2032;
    /** Reserved-area size every Stratis version writes. */
    public static final long DEFAULT_RESERVED_SECTORS = 6144;

    private static final byte[] MAGIC = HexFormat.of().parseHex("215374726130746973" + "86ff025e417268");
    private static final int MAGIC_OFFSET = 4;
    private static final int SIZE_OFFSET = 20;
    private static final int VERSION_OFFSET = 28;
    private static final int POOL_OFFSET = 32;
    private static final int DEVICE_OFFSET = 64;
    private static final int MDA_OFFSET = 96;
    private static final int RESERVED_OFFSET = 104;
    private static final int FLAGS_OFFSET = 112;
    private static final int TIME_OFFSET = 120;

    /** What one copy on disk turned out to be. */
    public sealed interface Decoded {
        /** No Stratis magic: this copy is not a signature block at all. */
        record NoMagic() implements Decoded {
        }

        /**
         * The magic is there but the stored CRC does not match.
         *
         * @param stored   CRC in the block
         * @param computed CRC of its bytes
         */
        record BadCrc(long stored, long computed) implements Decoded {
        }

        /**
         * The CRC matches but a field cannot be a signature block's.
         *
         * @param reason what is wrong, in upstream's words where it has them
         */
        record Invalid(String reason) implements Decoded {
        }

        /**
         * A well-formed copy.
         *
         * @param block the decoded fields
         * @param bytes the exact 512 bytes
         */
        record Valid(SignatureBlock block, byte[] bytes) implements Decoded {
        }
    }

    /**
     * Whether the bytes at the copy's position carry the Stratis magic.
     *
     * @param copy 512 bytes
     * @return true if the magic is present
     */
    public static boolean hasMagic(byte[] copy) {
        return Arrays.equals(copy, MAGIC_OFFSET, MAGIC_OFFSET + MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * The CRC-32C a copy carries in its first four bytes.
     *
     * @param copy 512 bytes
     * @return the stored CRC, unsigned
     */
    public static long storedCrc(byte[] copy) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
    }

    /**
     * Decodes one copy.
     *
     * @param copy exactly 512 bytes
     * @return what they are
     */
    public static Decoded decode(byte[] copy) {
        if (copy.length != SIZE) {
            throw new IllegalArgumentException("a signature block is 512 bytes, not " + copy.length);
        }
        if (!hasMagic(copy)) {
            return new Decoded.NoMagic();
        }
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        long stored = storedCrc(copy);
        long computed = crc(copy);
        if (stored != computed) {
            return new Decoded.BadCrc(stored, computed);
        }
        int version = Byte.toUnsignedInt(copy[VERSION_OFFSET]);
        if (version != 1 && version != 2) {
            return new Decoded.Invalid("Unknown sigblock version: " + version);
        }
        UUID pool;
        UUID device;
        try {
            pool = simpleUuid(copy, POOL_OFFSET);
            device = simpleUuid(copy, DEVICE_OFFSET);
        } catch (IllegalArgumentException e) {
            return new Decoded.Invalid(e.getMessage());
        }
        SignatureBlock block = new SignatureBlock(pool, device, b.getLong(SIZE_OFFSET), version, b.getLong(MDA_OFFSET),
                b.getLong(RESERVED_OFFSET), b.getLong(FLAGS_OFFSET), b.getLong(TIME_OFFSET));
        return new Decoded.Valid(block, copy.clone());
    }

    /**
     * Encodes this block as upstream writes it: magic, fields, zero padding, CRC-32C first.
     *
     * @return 512 bytes
     */
    public byte[] encode() {
        byte[] out = new byte[SIZE];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        System.arraycopy(MAGIC, 0, out, MAGIC_OFFSET, MAGIC.length);
        b.putLong(SIZE_OFFSET, sizeSectors);
        out[VERSION_OFFSET] = (byte) version;
        System.arraycopy(simple(poolUuid).getBytes(StandardCharsets.US_ASCII), 0, out, POOL_OFFSET, 32);
        System.arraycopy(simple(deviceUuid).getBytes(StandardCharsets.US_ASCII), 0, out, DEVICE_OFFSET, 32);
        b.putLong(MDA_OFFSET, mdaSizeSectors);
        b.putLong(RESERVED_OFFSET, reservedSizeSectors);
        b.putLong(FLAGS_OFFSET, flags);
        b.putLong(TIME_OFFSET, initTimeSeconds);
        b.putInt(0, (int) crc(out));
        return out;
    }

    /**
     * The size of the whole block-device area these fields describe: static header, MDA and
     * reserved area (8192 sectors with the default sizes).
     *
     * @return sectors
     */
    public long bdaSectors() {
        return StaticHeader.SECTORS + mdaSizeSectors + reservedSizeSectors;
    }

    /**
     * The simple (unhyphenated) form of a UUID.
     *
     * @param uuid the UUID
     * @return 32 lower-case hex digits
     */
    public static String simple(UUID uuid) {
        return uuid.toString().replace("-", "");
    }

    private static long crc(byte[] copy) {
        CRC32C crc = new CRC32C();
        crc.update(copy, 4, SIZE - 4);
        return crc.getValue();
    }

    private static UUID simpleUuid(byte[] copy, int offset) {
        String text = new String(copy, offset, 32, StandardCharsets.US_ASCII);
        if (!text.matches("[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("invalid UUID in signature block at byte " + offset + ": "
                    + text.replaceAll("[^\\x20-\\x7e]", "?"));
        }
        return UUID.fromString(text.substring(0, 8) + "-" + text.substring(8, 12) + "-" + text.substring(12, 16) + "-"
                + text.substring(16, 20) + "-" + text.substring(20));
    }
}
