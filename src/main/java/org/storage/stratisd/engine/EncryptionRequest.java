package org.storage.stratisd.engine;

import java.util.List;
import java.util.Optional;
import org.storage.stratisd.engine.view.TokenBinding;

/**
 * The bindings a client asked for when creating or encrypting a pool, each with an optional
 * explicit token slot, in the order given (key descriptions first, then Clevis).
 *
 * @param bindings the requested bindings
 */
public record EncryptionRequest(List<Requested> bindings) {

    /** Copies the list. */
    public EncryptionRequest {
        bindings = List.copyOf(bindings);
    }

    /** No encryption. */
    public static final EncryptionRequest NONE = new EncryptionRequest(List.of());

    /**
     * Whether any binding was requested.
     *
     * @return true for an encrypted pool
     */
    public boolean isEncrypted() {
        return !bindings.isEmpty();
    }

    /**
     * One requested binding.
     *
     * @param slot    explicit token slot, or empty for "the engine chooses"
     * @param binding what to bind
     */
    public record Requested(Optional<Long> slot, TokenBinding binding) {
    }
}
