package org.storage.stratisd.engine.view;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An immutable snapshot of one running pool, with its filesystems and block devices in the
 * engine's order. The D-Bus layer derives every published property from such a snapshot, never by
 * reading engine state again.
 *
 * @param uuid              pool UUID
 * @param name              pool name
 * @param encryption        its bindings, if the pool is encrypted
 * @param lastReencrypted   when it was last re-encrypted, if ever
 * @param availableActions  {@code fully_operational}, {@code no_ipc_requests} or {@code no_pool_changes}
 * @param hasCache          whether a cache tier exists
 * @param totalPhysicalSize bytes
 * @param totalPhysicalUsed bytes used
 * @param allocatedSize     bytes allocated
 * @param fsLimit           maximum number of filesystems
 * @param overprovisioning  whether overprovisioning is allowed
 * @param noAllocSpace      whether the pool is out of allocation space
 * @param metadataVersion   on-disk metadata version (1 or 2)
 * @param integrity         integrity settings
 * @param filesystems       the pool's filesystems
 * @param blockdevs         the pool's block devices, data tier first
 */
public record PoolView(
        UUID uuid,
        String name,
        Optional<Encryption> encryption,
        Optional<Instant> lastReencrypted,
        String availableActions,
        boolean hasCache,
        BigInteger totalPhysicalSize,
        BigInteger totalPhysicalUsed,
        BigInteger allocatedSize,
        long fsLimit,
        boolean overprovisioning,
        boolean noAllocSpace,
        long metadataVersion,
        IntegritySpec integrity,
        List<FilesystemView> filesystems,
        List<BlockdevView> blockdevs) {

    /** Copies the lists so the snapshot stays immutable. */
    public PoolView {
        filesystems = List.copyOf(filesystems);
        blockdevs = List.copyOf(blockdevs);
    }

    /**
     * Whether the pool is encrypted.
     *
     * @return true if it has bindings
     */
    public boolean encrypted() {
        return encryption.isPresent();
    }
}
