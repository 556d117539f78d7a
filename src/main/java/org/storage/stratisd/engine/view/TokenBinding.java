package org.storage.stratisd.engine.view;

/** What one token slot of an encrypted pool holds: a keyring key description or a Clevis binding. */
public sealed interface TokenBinding {

    /**
     * A passphrase from the kernel keyring, by key description.
     *
     * @param description the key description
     */
    record Key(String description) implements TokenBinding {
    }

    /**
     * A Clevis binding.
     *
     * @param pin    the Clevis pin, e.g. {@code tang}
     * @param config the pin's configuration as compact JSON text
     */
    record Clevis(String pin, String config) implements TokenBinding {
    }
}
