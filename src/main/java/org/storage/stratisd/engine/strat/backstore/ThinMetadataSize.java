package org.storage.stratisd.engine.strat.backstore;

import java.io.IOException;

/** The size of thin-pool metadata for a pool, as {@code thin_metadata_size} computes it. */
@FunctionalInterface
public interface ThinMetadataSize {

    /**
     * The metadata size needed for a thin pool.
     *
     * @param blockSizeBytes   the thin pool's data block size in bytes
     * @param poolSizeBytes    the size of the data it maps in bytes
     * @param maxThins         the number of thin devices it must hold
     * @return sectors
     * @throws IOException if the computation cannot be made
     */
    long sectors(long blockSizeBytes, long poolSizeBytes, long maxThins) throws IOException;
}
