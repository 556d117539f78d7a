package org.storage.stratisd.engine.strat.backstore;

import org.storage.stratisd.engine.strat.serde.PoolSave;

/**
 * The space a V2 pool reserves at the end of each device for integrity metadata (real-engine spec
 * §2.1). Only reserved: 3.9.2 creates no dm-integrity target.
 */
public final class Integrity {

    /** The default settings 3.9.2 records. */
    public static final PoolSave.IntegritySpec DEFAULT = new PoolSave.IntegritySpec("512b", 262144, 4096, true);

    private Integrity() {
    }

    /**
     * The sectors to reserve on a device: a 4 KiB superblock if asked for, the journal, and the
     * tags of every 4 KiB block rounded up to 4 KiB.
     *
     * @param sizeSectors the device's size
     * @param spec        the settings
     * @return sectors
     */
    public static long reservation(long sizeSectors, PoolSave.IntegritySpec spec) {
        long tagBytes = switch (spec.tagSpec()) {
            case "0b" -> 0;
            case "32b" -> 4;
            case "512b" -> 64;
            default -> throw new IllegalArgumentException("unknown integrity tag specification " + spec.tagSpec());
        };
        long tags = (sizeSectors * 512 / spec.blockSize()) * tagBytes;
        return (spec.allocateSuperblock() ? 8 : 0) + spec.journalSize() + ((tags + 4095) & ~4095L) / 512;
    }
}
