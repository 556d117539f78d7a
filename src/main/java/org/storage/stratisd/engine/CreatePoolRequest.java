package org.storage.stratisd.engine;

import java.util.List;
import java.util.Optional;

/**
 * What a client asked for when creating a pool, already decoded from the wire.
 *
 * @param name              requested pool name, not yet validated
 * @param devices           device paths in the order given, duplicates allowed
 * @param keyDescriptions   key descriptions to bind, each with an optional explicit token slot
 * @param journalSizeBytes  integrity journal size in bytes, if given
 */
public record CreatePoolRequest(
        String name,
        List<String> devices,
        List<KeyBinding> keyDescriptions,
        Optional<Long> journalSizeBytes) {

    /** Copies the lists so the request stays immutable. */
    public CreatePoolRequest {
        devices = List.copyOf(devices);
        keyDescriptions = List.copyOf(keyDescriptions);
    }

    /**
     * A key description with the token slot the client asked for, if any.
     *
     * @param tokenSlot   explicit token slot, or empty for "the engine chooses"
     * @param description the key description in the keyring
     */
    public record KeyBinding(Optional<Long> tokenSlot, String description) {
    }
}
