package org.storage.stratisd.engine.strat.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.storage.stratisd.engine.strat.device.BlockAccess;
import org.storage.stratisd.engine.strat.metadata.SignatureBlock.Decoded;

/**
 * The static header: the first 16 sectors of a Stratis device, holding one signature-block copy
 * in sector 1 and another in sector 9; every other sector of it is zero. Reading applies the
 * recovery rules (spec §6.3 of the API document, §1.2 of the real-engine document).
 */
public final class StaticHeader {

    /** Sectors in the static header. */
    public static final long SECTORS = 16;
    /** Bytes per sector. */
    public static final int SECTOR = 512;
    /** Each copy is written as an 8-sector half: a zero sector, the block, six zero sectors. */
    private static final int HALF = 8 * SECTOR;
    private static final long[] COPY_OFFSETS = {SECTOR, HALF + SECTOR};

    private StaticHeader() {
    }

    /**
     * Both copies as found on the device, before any recovery.
     *
     * @param first  the copy in sector 1
     * @param second the copy in sector 9
     */
    public record Copies(Decoded first, Decoded second) {
    }

    /**
     * What reading the static header concluded.
     */
    public sealed interface Outcome {
        /** Neither copy carries the magic: not a Stratis device. */
        record NotStratis() implements Outcome {
        }

        /**
         * The header is usable.
         *
         * @param block       the signature block in force
         * @param repairCopy  which copy (0 or 1) must be rewritten from {@code block}, if any
         * @param reason      why it must, for the log
         */
        record Usable(SignatureBlock block, Optional<Integer> repairCopy, Optional<String> reason) implements Outcome {
        }

        /**
         * The magic is there but no rule yields a usable block.
         *
         * @param reason what is wrong
         */
        record Damaged(String reason) implements Outcome {
        }
    }

    /**
     * Reads both copies.
     *
     * @param device the device
     * @return the decoded copies
     * @throws IOException if the first 16 sectors cannot be read
     */
    public static Copies readCopies(BlockAccess device) throws IOException {
        byte[] header = device.readBytes(0, (int) (SECTORS * SECTOR));
        return new Copies(SignatureBlock.decode(Arrays.copyOfRange(header, SECTOR, 2 * SECTOR)),
                SignatureBlock.decode(Arrays.copyOfRange(header, HALF + SECTOR, HALF + 2 * SECTOR)));
    }

    /**
     * Applies the recovery rules to two copies: both valid and equal, fine; one valid, rewrite the
     * other; both valid and different, the later initialisation time wins and the other is
     * rewritten; equal times with different contents, an error.
     *
     * @param copies the copies
     * @return the conclusion
     */
    public static Outcome resolve(Copies copies) {
        Decoded a = copies.first();
        Decoded b = copies.second();
        if (a instanceof Decoded.NoMagic && b instanceof Decoded.NoMagic) {
            return new Outcome.NotStratis();
        }
        if (a instanceof Decoded.Valid va && b instanceof Decoded.Valid vb) {
            if (Arrays.equals(va.bytes(), vb.bytes())) {
                return new Outcome.Usable(va.block(), Optional.empty(), Optional.empty());
            }
            long ta = va.block().initTimeSeconds();
            long tb = vb.block().initTimeSeconds();
            if (ta == tb) {
                return new Outcome.Damaged("the two signature blocks disagree but have the same initialization time ("
                        + ta + ")");
            }
            return ta > tb
                    ? new Outcome.Usable(va.block(), Optional.of(1), Optional.of("the copy in sector 9 is older"))
                    : new Outcome.Usable(vb.block(), Optional.of(0), Optional.of("the copy in sector 1 is older"));
        }
        if (a instanceof Decoded.Valid va) {
            return new Outcome.Usable(va.block(), Optional.of(1), Optional.of("the copy in sector 9 is " + describe(b)));
        }
        if (b instanceof Decoded.Valid vb) {
            return new Outcome.Usable(vb.block(), Optional.of(0), Optional.of("the copy in sector 1 is " + describe(a)));
        }
        return new Outcome.Damaged("no valid signature block: sector 1 is " + describe(a) + ", sector 9 is " + describe(b));
    }

    /**
     * Reads the header, applies the rules and, when a copy must be repaired and {@code repair} is
     * true, rewrites it.
     *
     * @param device the device (open for writing if {@code repair})
     * @param repair whether to rewrite a bad or stale copy
     * @return the signature block, or empty if the device is not a Stratis device
     * @throws MetadataException if the header is damaged beyond the rules or cannot be read or repaired
     */
    public static Optional<SignatureBlock> read(BlockAccess device, boolean repair) throws MetadataException {
        Outcome outcome;
        try {
            outcome = resolve(readCopies(device));
        } catch (IOException e) {
            throw new MetadataException(device.name() + ": cannot read the static header: " + e.getMessage(), e);
        }
        return switch (outcome) {
            case Outcome.NotStratis n -> Optional.empty();
            case Outcome.Damaged d -> throw new MetadataException(device.name() + ": " + d.reason());
            case Outcome.Usable u -> {
                if (repair && u.repairCopy().isPresent()) {
                    writeCopy(device, u.block(), u.repairCopy().get());
                }
                yield Optional.of(u.block());
            }
        };
    }

    /**
     * Writes both copies (each as its whole 8-sector half) and syncs after each.
     *
     * @param device the device
     * @param block  the block
     * @throws MetadataException if a write fails
     */
    public static void write(BlockAccess device, SignatureBlock block) throws MetadataException {
        writeCopy(device, block, 0);
        writeCopy(device, block, 1);
    }

    /**
     * Zeroes the whole static header, so that the device is no longer a Stratis device.
     *
     * @param device the device
     * @throws MetadataException if the write fails
     */
    public static void wipe(BlockAccess device) throws MetadataException {
        try {
            device.write(0, ByteBuffer.allocate((int) (SECTORS * SECTOR)));
            device.sync();
        } catch (IOException e) {
            throw new MetadataException(device.name() + ": cannot wipe the static header: " + e.getMessage(), e);
        }
    }

    private static void writeCopy(BlockAccess device, SignatureBlock block, int copy) throws MetadataException {
        byte[] half = new byte[HALF];
        System.arraycopy(block.encode(), 0, half, SECTOR, SignatureBlock.SIZE);
        try {
            device.write(COPY_OFFSETS[copy] - SECTOR, ByteBuffer.wrap(half));
            device.sync();
        } catch (IOException e) {
            throw new MetadataException(device.name() + ": cannot write signature block copy " + (copy + 1) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Describes a copy for messages.
     *
     * @param copy a decoded copy
     * @return a short phrase
     */
    public static String describe(Decoded copy) {
        return switch (copy) {
            case Decoded.NoMagic n -> "not a signature block (no magic)";
            case Decoded.BadCrc c -> String.format("damaged (header CRC invalid: stored 0x%08x, computed 0x%08x)",
                    c.stored(), c.computed());
            case Decoded.Invalid i -> "invalid (" + i.reason() + ")";
            case Decoded.Valid v -> "valid";
        };
    }
}
