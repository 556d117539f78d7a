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
 * @param condition       why it is not running
 */
public record StoppedPoolView(UUID uuid, Optional<String> name, List<BlockdevView> devices,
                              Optional<Encryption> encryption, Optional<Long> metadataVersion, Condition condition) {

    /** Why a known pool is not running: a small fixed set, so it can label a metric. */
    public enum Condition {
        /** Stopped on request ({@code StopPool}, or its metadata says so). */
        STOPPED,
        /** Encrypted, and its devices are not unlocked. */
        LOCKED,
        /** Some of its devices were not found. */
        INCOMPLETE,
        /** Its devices or metadata contradict each other, or its set-up failed. */
        INVALID
    }

    /** Copies the list. */
    public StoppedPoolView {
        devices = List.copyOf(devices);
    }
}
