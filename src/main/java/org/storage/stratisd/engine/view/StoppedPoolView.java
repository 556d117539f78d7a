package org.storage.stratisd.engine.view;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A pool known from its devices but not running.
 *
 * @param uuid            pool UUID
 * @param name            pool name, if known
 * @param devices         its data and cache devices
 * @param encryption      its bindings, if encrypted
 * @param metadataVersion on-disk metadata version, if known
 */
public record StoppedPoolView(UUID uuid, Optional<String> name, List<BlockdevView> devices,
                              Optional<Encryption> encryption, Optional<Long> metadataVersion) {

    /** Copies the list. */
    public StoppedPoolView {
        devices = List.copyOf(devices);
    }
}
