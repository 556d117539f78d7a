package org.storage.stratisd.engine.view;

/**
 * How full a running pool's thin pool is, as its last status read from the kernel said (the
 * engine reads it at set-up and on every pool check). Bytes, converted from the kernel's blocks.
 *
 * @param dataUsed       thin data in use
 * @param dataSize       thin data in all
 * @param metadataUsed   thin metadata in use
 * @param metadataSize   thin metadata in all
 * @param outOfDataSpace whether the thin pool is in {@code out_of_data_space} mode
 * @param readOnly       whether it has fallen back to read-only (metadata full or failed)
 */
public record ThinPoolUsage(long dataUsed, long dataSize, long metadataUsed, long metadataSize,
                            boolean outOfDataSpace, boolean readOnly) {
}
