package org.storage.stratisd.engine;

import java.util.List;
import java.util.Optional;

/**
 * What a client asked for when creating a pool, already decoded from the wire.
 *
 * @param name              requested pool name, not yet validated
 * @param devices           device paths in the order given, duplicates allowed
 * @param encryption        the bindings requested; none for an unencrypted pool
 * @param journalSizeBytes  integrity journal size in bytes, if given
 * @param tagSpec           integrity tag specification, if given
 * @param allocateSuperblock whether to allocate an integrity superblock, if given
 */
public record CreatePoolRequest(
        String name,
        List<String> devices,
        EncryptionRequest encryption,
        Optional<Long> journalSizeBytes,
        Optional<String> tagSpec,
        Optional<Boolean> allocateSuperblock) {

    /** Copies the list so the request stays immutable. */
    public CreatePoolRequest {
        devices = List.copyOf(devices);
    }

    /**
     * A request with default encryption and integrity settings.
     *
     * @param name    pool name
     * @param devices device paths
     * @return the request
     */
    public static CreatePoolRequest plain(String name, List<String> devices) {
        return new CreatePoolRequest(name, devices, EncryptionRequest.NONE, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
