package org.storage.stratisd.engine.view;

/**
 * A pool's integrity settings.
 *
 * @param tagSpec            {@code 0b}, {@code 32b} or {@code 512b}
 * @param journalSizeBytes   journal size in bytes, a multiple of 4096
 * @param allocateSuperblock whether a superblock is allocated
 */
public record IntegritySpec(String tagSpec, long journalSizeBytes, boolean allocateSuperblock) {

    /** The block size, fixed. */
    public static final int BLOCK_SIZE = 4096;
    /** The default: 128 MiB journal, {@code 512b} tags, a superblock. */
    public static final IntegritySpec DEFAULT = new IntegritySpec("512b", 134217728L, true);
}
