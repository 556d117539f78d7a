package org.storage.stratisd.engine.strat.keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import org.storage.stratisd.engine.Actions.SetKeyAction;
import org.storage.stratisd.engine.EngineException;

/**
 * The Stratis keys of the real engine (real-engine spec §6.4; D-Bus spec §2.1.5): a key given the
 * description {@code d} is the {@code user} key {@code stratis-1-key-d} in root's persistent
 * keyring; setting it reports whether it was created, changed or already held those bytes; the
 * list holds every key with the prefix and something after it, the prefix stripped.
 *
 * <p>Key bytes are cleared from every buffer this class makes once a call returns, and never
 * appear in a message: errors name the call and the description only.
 */
public final class StratKeys {

    /** What every Stratis key's description in the kernel begins with. */
    public static final String PREFIX = "stratis-1-key-";
    /** The longest key a caller may set (upstream's {@code MAX_STRATIS_PASS_SIZE}). */
    public static final int MAX_KEY_BYTES = 64;

    private final Keyring keyring;
    /**
     * Held for the whole of a set or unset: while it is held no other call of this daemon changes a
     * Stratis key, so the search, read, compare and update of a set (or the search and unlink of an
     * unset) act on what they saw, and each call's result describes exactly the change it made.
     * Lists do not take it: each of their system calls reads a consistent keyring by itself.
     */
    private final ReentrantLock changes = new ReentrantLock();

    /**
     * Creates the keys over a keyring.
     *
     * @param keyring the kernel keyring
     */
    public StratKeys(Keyring keyring) {
        this.keyring = keyring;
    }

    /**
     * Sets a key: adds it, replaces its bytes, or leaves it as it is when the bytes are the same.
     *
     * @param description the key description (without the prefix)
     * @param key         the key bytes; not kept
     * @return created, value changed, or identity
     * @throws EngineException if the key is too long or empty, or the kernel refuses
     */
    public SetKeyAction set(String description, byte[] key) throws EngineException {
        if (key.length > MAX_KEY_BYTES) {
            throw new EngineException("Provided key exceeded maximum allow length of " + MAX_KEY_BYTES + " bytes");
        }
        if (key.length == 0) {
            // The kernel's user keys cannot be empty (add_key answers EINVAL); say so in words.
            throw new EngineException("Cannot set key " + description + ": the kernel keyring holds no empty keys");
        }
        changes.lock();
        try {
            String full = PREFIX + description;
            OptionalInt serial = keyring.search(full);
            if (serial.isEmpty()) {
                keyring.add(full, key);
                return SetKeyAction.CREATED;
            }
            byte[] old = keyring.read(serial.getAsInt(), MAX_KEY_BYTES + 1);
            try {
                if (Arrays.equals(old, key)) {
                    return SetKeyAction.IDENTITY;
                }
            } finally {
                Arrays.fill(old, (byte) 0);
            }
            keyring.update(serial.getAsInt(), key);
            return SetKeyAction.VALUE_CHANGED;
        } catch (KeyringException e) {
            throw new EngineException(e.getMessage());
        } finally {
            changes.unlock();
        }
    }

    /**
     * Unsets a key: unlinks it from root's persistent keyring.
     *
     * @param description the key description (without the prefix)
     * @return whether there was such a key
     * @throws EngineException if the kernel refuses
     */
    public boolean unset(String description) throws EngineException {
        changes.lock();
        try {
            OptionalInt serial = keyring.search(PREFIX + description);
            if (serial.isEmpty()) {
                return false;
            }
            keyring.unlink(serial.getAsInt());
            return true;
        } catch (KeyringException e) {
            throw new EngineException(e.getMessage());
        } finally {
            changes.unlock();
        }
    }

    /**
     * Whether a key is in the keyring (what creating an encrypted pool or binding a description
     * requires).
     *
     * @param description the key description (without the prefix)
     * @return whether it is present
     * @throws EngineException if the kernel refuses the search
     */
    public boolean present(String description) throws EngineException {
        try {
            return keyring.search(PREFIX + description).isPresent();
        } catch (KeyringException e) {
            throw new EngineException(e.getMessage());
        }
    }

    /**
     * A key's bytes, for a crypt device's passphrase. The caller clears the array after use and
     * never puts the bytes in a message.
     *
     * @param description the key description (without the prefix)
     * @return the bytes, or empty if no such key is in the keyring
     * @throws EngineException if the kernel refuses the search or the read
     */
    public Optional<byte[]> read(String description) throws EngineException {
        try {
            OptionalInt serial = keyring.search(PREFIX + description);
            return serial.isEmpty() ? Optional.empty() : Optional.of(keyring.read(serial.getAsInt(), MAX_KEY_BYTES));
        } catch (KeyringException e) {
            throw new EngineException(e.getMessage());
        }
    }

    /**
     * The Stratis key descriptions in root's persistent keyring.
     *
     * @return the descriptions without the prefix, sorted
     * @throws EngineException if the kernel refuses to list the keyring
     */
    public List<String> list() throws EngineException {
        List<String> found = new ArrayList<>();
        try {
            for (String full : keyring.descriptions()) {
                if (full.startsWith(PREFIX) && full.length() > PREFIX.length()) {
                    found.add(full.substring(PREFIX.length()));
                }
            }
        } catch (KeyringException e) {
            throw new EngineException(e.getMessage());
        }
        found.sort(null);
        return List.copyOf(found);
    }
}
