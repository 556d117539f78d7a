package org.storage.stratisd.engine.strat.keys;

import java.util.List;
import java.util.OptionalInt;

/**
 * The kernel keyring as the engine uses it (real-engine spec §6.4): {@code user} keys in root's
 * persistent keyring, named by their full description. Implemented by system calls in the
 * {@code kernel} package; the rules of Stratis keys (prefix, results) are {@link StratKeys}'.
 * Implementations are safe to call from several threads; a sequence of calls is not atomic.
 */
public interface Keyring {

    /**
     * Searches root's persistent keyring for a {@code user} key.
     *
     * @param description the key's full description
     * @return its serial, or empty when there is no such key
     * @throws KeyringException if the kernel refuses the search
     */
    OptionalInt search(String description) throws KeyringException;

    /**
     * Reads a key's payload.
     *
     * @param serial the key
     * @param max    the most bytes wanted
     * @return its first {@code max} bytes at most; the caller clears the array after use
     * @throws KeyringException if the kernel refuses
     */
    byte[] read(int serial, int max) throws KeyringException;

    /**
     * Adds a {@code user} key to root's persistent keyring, with all permissions for the owner only.
     *
     * @param description the key's full description
     * @param payload     its bytes (not kept)
     * @return the new key's serial
     * @throws KeyringException if the kernel refuses
     */
    int add(String description, byte[] payload) throws KeyringException;

    /**
     * Replaces a key's payload.
     *
     * @param serial  the key
     * @param payload the new bytes (not kept)
     * @throws KeyringException if the kernel refuses
     */
    void update(int serial, byte[] payload) throws KeyringException;

    /**
     * Unlinks a key from root's persistent keyring.
     *
     * @param serial the key
     * @throws KeyringException if the kernel refuses
     */
    void unlink(int serial) throws KeyringException;

    /**
     * The descriptions of the keys linked into root's persistent keyring.
     *
     * @return their full descriptions, in the keyring's order
     * @throws KeyringException if the kernel refuses to list or describe them
     */
    List<String> descriptions() throws KeyringException;
}
