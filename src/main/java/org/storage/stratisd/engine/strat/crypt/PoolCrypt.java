package org.storage.stratisd.engine.strat.crypt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import org.storage.stratisd.engine.EncryptionRequest;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.strat.backstore.Backstore;
import org.storage.stratisd.engine.strat.device.BlockAccess;
import org.storage.stratisd.engine.strat.device.FileBlockAccess;
import org.storage.stratisd.engine.strat.identify.Luks2Header;
import org.storage.stratisd.engine.strat.keys.StratKeys;
import org.storage.stratisd.engine.strat.sys.Tools;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.TokenBinding;

/**
 * A version 2 pool's LUKS2 encryption on its cap device (real-engine spec §6.1, §6.2, §6.5),
 * through the {@code cryptsetup} program: the header with upstream's parameters and a
 * {@code luks2-keyring} token per key description, activation as {@code stratis-1-private-P32-crypt},
 * resizing when the cap grows.
 *
 * <p>Debian 12's cryptsetup 2.6.1 cannot link the volume key into a keyring of ours
 * ({@code crypt_set_keyring_to_link} and {@code --link-vk-to-keyring} came with 2.7), so no volume
 * key is kept: activation and resizing pass the passphrase of a keyring token, read from the kernel
 * keyring, on cryptsetup's standard input. A resize therefore needs a bound key to be in the keyring
 * when the cap grows, where upstream uses the volume key it linked at activation.
 *
 * <p>Key bytes go to cryptsetup's standard input only: never into an argument, a message or a log;
 * each copy is cleared after use.
 */
public final class PoolCrypt {

    /** LUKS2 has 32 keyslots; a Stratis pool uses at most {@link Encryption#MAX_TOKEN_SLOTS}. */
    private static final int MAX_KEYSLOTS = Encryption.MAX_TOKEN_SLOTS;
    private static final String CRYPTSETUP = "cryptsetup";

    private final Tools tools;
    private final StratKeys keys;

    /**
     * A key description a new pool's header binds.
     *
     * @param description the key description (without the prefix)
     * @param tokenSlot   the token slot it takes
     */
    public record KeyBinding(String description, long tokenSlot) {

        /**
         * The one key description an encrypted pool of this build binds, in token slot 0 unless
         * the request names another; Clevis and more than one binding are refused.
         *
         * @param pool       the new pool's name, for messages
         * @param encryption what the caller asked for
         * @return the binding, or empty for an unencrypted pool
         * @throws EngineException naming what this build does not do, or a slot out of range
         */
        public static Optional<KeyBinding> of(String pool, EncryptionRequest encryption) throws EngineException {
            if (!encryption.isEncrypted()) {
                return Optional.empty();
            }
            if (encryption.bindings().stream().anyMatch(r -> r.binding() instanceof TokenBinding.Clevis)) {
                throw new EngineException("Cannot create encrypted pool " + pool + ": this build of stratisd-java does not"
                        + " implement Clevis yet");
            }
            if (encryption.bindings().size() > 1) {
                throw new EngineException("Cannot create encrypted pool " + pool + " with " + encryption.bindings().size()
                        + " key descriptions: this build of stratisd-java binds one");
            }
            EncryptionRequest.Requested only = encryption.bindings().getFirst();
            long slot = only.slot().orElse(0L);
            if (slot < 0 || slot >= Encryption.MAX_TOKEN_SLOTS) {
                throw new EngineException("Token slot " + slot + " is out of range: a pool has token slots 0 to "
                        + (Encryption.MAX_TOKEN_SLOTS - 1));
            }
            return Optional.of(new KeyBinding(((TokenBinding.Key) only.binding()).description(), slot));
        }
    }

    /**
     * Creates the encryption layer.
     *
     * @param tools runs cryptsetup
     * @param keys  the Stratis keys in the kernel keyring
     */
    public PoolCrypt(Tools tools, StratKeys keys) {
        this.tools = tools;
        this.keys = keys;
    }

    /**
     * Formats a LUKS2 header on the cap with upstream's V2 parameters (aes-xts-plain64, 512-bit
     * volume key, 64 KiB metadata, 16352 KiB keyslots, data at sector 34816), its first keyslot
     * taking the key's passphrase, and binds the key description in a {@code luks2-keyring} token.
     *
     * @param cap         the cap device ({@code physical-cache})
     * @param description the key description, present in the keyring
     * @param tokenSlot   the token's slot
     * @throws EngineException naming the layer and the device
     */
    public void format(Path cap, String description, long tokenSlot) throws EngineException {
        byte[] key = key(description);
        try {
            tools.run(CRYPTSETUP, List.of("luksFormat", "--batch-mode", "--type", "luks2", "--cipher", "aes-xts-plain64",
                    "--key-size", "512", "--luks2-metadata-size", "64k", "--luks2-keyslots-size", "16352k",
                    "--offset", Long.toString(Backstore.CRYPT_META_SECTORS), "--key-slot", "0", "--key-file", "-", cap.toString()), key);
            tools.run(CRYPTSETUP, List.of("token", "add", "--token-id", Long.toString(tokenSlot), "--key-description",
                    StratKeys.PREFIX + description, "--key-slot", "0", cap.toString()));
        } catch (IOException e) {
            throw new EngineException("Cannot write the LUKS2 header of " + cap + ": " + e.getMessage());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * The cap's bindings as its LUKS2 header has them.
     *
     * @param cap the cap device, or a data device where the cap begins
     * @param at  the byte offset of the cap's start on that device
     * @return its keyring bindings by token slot, or empty if there is no Stratis LUKS2 header there
     * @throws EngineException if the device cannot be read
     */
    public Optional<Encryption> bindings(Path cap, long at) throws EngineException {
        return header(cap, at).map(h -> {
            SortedMap<Long, TokenBinding> slots = new TreeMap<>();
            h.keyringTokens().forEach((id, d) -> slots.put(id.longValue(), new TokenBinding.Key(d)));
            return new Encryption(slots);
        }).filter(e -> !e.slots().isEmpty());
    }

    /**
     * Opens the cap's crypt device: with a passphrase passed, on the named token's keyslot (or any
     * keyslot); otherwise with the key of a keyring token, the one named, or each in slot order
     * until one opens it.
     *
     * @param cap    the cap device
     * @param name   the crypt device's name
     * @param unlock the token and the passphrase, if any
     * @throws EngineException naming what is missing or what cryptsetup answered, with nothing opened
     */
    public void open(Path cap, String name, Unlock unlock) throws EngineException {
        Luks2Header header = header(cap, 0).orElseThrow(() -> new EngineException("No LUKS2 header found on " + cap));
        Optional<Long> tokenSlot = unlock.tokenSlot();
        if (unlock.passphrase().isPresent()) {
            List<String> args = new ArrayList<>(List.of("open", "--type", "luks2", "--key-file", "-"));
            if (tokenSlot.isPresent()) {
                OptionalInt keyslot = keyslotOf(header, tokenSlot.get(), cap);
                if (keyslot.isEmpty()) {
                    throw new EngineException("Token slot " + tokenSlot.get() + " of " + cap + " holds no token with a keyslot");
                }
                args.addAll(List.of("--key-slot", Integer.toString(keyslot.getAsInt())));
            }
            args.addAll(List.of(cap.toString(), name));
            try {
                tools.run(CRYPTSETUP, args, unlock.passphrase().get());
                return;
            } catch (IOException e) {
                throw new EngineException("Cannot open the crypt device " + name + " on " + cap + " with the passphrase given: "
                        + e.getMessage());
            }
        }
        Map<Integer, String> tokens = header.keyringTokens();
        List<String> candidates = new ArrayList<>();
        tokens.forEach((id, d) -> {
            if (tokenSlot.isEmpty() || tokenSlot.get() == id.longValue()) {
                candidates.add(d);
            }
        });
        if (candidates.isEmpty()) {
            throw new EngineException(tokenSlot.map(s -> "Token slot " + s + " of " + cap + " holds no key description binding")
                    .orElse("No key description binding found in the LUKS2 header of " + cap));
        }
        withBoundKey(candidates, List.of("open", "--type", "luks2", "--key-file", "-", cap.toString(), name),
                "Cannot open the crypt device " + name + " on " + cap);
    }

    /**
     * Gives the open crypt device a new size (the cap's size less the header area).
     *
     * @param name        the crypt device
     * @param sectors     its new size
     * @param encryption  the pool's bindings, whose keys are tried in slot order
     * @throws EngineException if no bound key is in the keyring or cryptsetup refuses
     */
    public void resize(String name, long sectors, Encryption encryption) throws EngineException {
        List<String> descriptions = encryption.slots().values().stream().filter(TokenBinding.Key.class::isInstance)
                .map(b -> ((TokenBinding.Key) b).description()).toList();
        String what = "Cannot resize the crypt device " + name + " to " + sectors + " sectors";
        if (descriptions.isEmpty()) {
            throw new EngineException(what + ": the pool has no key description binding");
        }
        withBoundKey(descriptions, List.of("resize", "--size", Long.toString(sectors), "--key-file", "-", name), what);
    }

    /**
     * Runs cryptsetup with the key of each description in turn on its standard input, until one
     * run succeeds.
     *
     * @param descriptions the key descriptions, in the order to try them
     * @param args         cryptsetup's arguments, reading the passphrase from standard input
     * @param what         the failure message's start
     * @throws EngineException if no run succeeded: each key absent (3.9.2's message) or refused
     */
    private void withBoundKey(List<String> descriptions, List<String> args, String what) throws EngineException {
        List<String> failures = new ArrayList<>();
        for (String description : descriptions) {
            Optional<byte[]> key = keys.read(description);
            if (key.isEmpty()) {
                // 3.9.2's message when a keyring token's key is absent.
                failures.add("The key description \"" + description + "\" is not currently set.");
                continue;
            }
            try {
                tools.run(CRYPTSETUP, args, key.get());
                return;
            } catch (IOException e) {
                failures.add("key description " + description + ": " + e.getMessage());
            } finally {
                Arrays.fill(key.get(), (byte) 0);
            }
        }
        throw new EngineException(what + ": " + String.join("; ", failures));
    }

    /**
     * Binds a key description in a new token slot: a new keyslot takes the key's passphrase (the
     * existing passphrase comes through a keyring token whose key is present: cryptsetup's
     * {@code luks2-keyring} handler finds it in root's persistent keyring, which the key calls link
     * into the daemon's session keyring, spec §6.4), then the token is added. If the token cannot
     * be added, the new keyslot is destroyed again.
     *
     * @param cap         the cap device
     * @param tokenSlot   the new token's slot
     * @param description the key description, present in the keyring
     * @throws EngineException naming what is missing or what cryptsetup answered
     */
    public void bind(Path cap, long tokenSlot, String description) throws EngineException {
        int keyslot = addKeyslot(cap, description);
        try {
            tools.run(CRYPTSETUP, List.of("token", "add", "--token-id", Long.toString(tokenSlot), "--key-description",
                    StratKeys.PREFIX + description, "--key-slot", Integer.toString(keyslot), cap.toString()));
        } catch (IOException e) {
            EngineException failure = new EngineException("Cannot add the keyring token for " + description + " to " + cap + ": "
                    + e.getMessage());
            killKeyslot(cap, keyslot, failure);
            throw failure;
        }
    }

    /**
     * Removes a binding: its token, then the keyslot it unlocked.
     *
     * @param cap       the cap device
     * @param tokenSlot the token's slot
     * @throws EngineException naming what cryptsetup answered
     */
    public void unbind(Path cap, long tokenSlot) throws EngineException {
        Luks2Header header = header(cap, 0).orElseThrow(() -> new EngineException("No LUKS2 header found on " + cap));
        OptionalInt keyslot = keyslotOf(header, tokenSlot, cap);
        try {
            tools.run(CRYPTSETUP, List.of("token", "remove", "--token-id", Long.toString(tokenSlot), cap.toString()));
        } catch (IOException e) {
            throw new EngineException("Cannot remove token " + tokenSlot + " from " + cap + ": " + e.getMessage());
        }
        if (keyslot.isPresent()) {
            EngineException failure = new EngineException("Token " + tokenSlot + " was removed from " + cap + " but its keyslot "
                    + keyslot.getAsInt() + " was not destroyed");
            if (killKeyslot(cap, keyslot.getAsInt(), failure)) {
                throw failure;
            }
        }
    }

    /**
     * Binds a token slot to another key description: a keyslot for the new key is added, the
     * token replaced by one for the new description on that keyslot, and the old keyslot
     * destroyed. Until the token is replaced a failure destroys the new keyslot, leaving the
     * binding as it was.
     *
     * @param cap         the cap device
     * @param tokenSlot   the token's slot
     * @param description the new key description, present in the keyring
     * @throws EngineException naming what is missing or what cryptsetup answered
     */
    public void rebind(Path cap, long tokenSlot, String description) throws EngineException {
        Luks2Header header = header(cap, 0).orElseThrow(() -> new EngineException("No LUKS2 header found on " + cap));
        OptionalInt old = keyslotOf(header, tokenSlot, cap);
        Map<?, ?> oldToken = header.tokens().get((int) tokenSlot);
        int keyslot = addKeyslot(cap, description);
        try {
            tools.run(CRYPTSETUP, List.of("token", "remove", "--token-id", Long.toString(tokenSlot), cap.toString()));
        } catch (IOException e) {
            EngineException failure = new EngineException("Cannot remove token " + tokenSlot + " from " + cap + ": " + e.getMessage());
            killKeyslot(cap, keyslot, failure);
            throw failure;
        }
        try {
            tools.run(CRYPTSETUP, List.of("token", "add", "--token-id", Long.toString(tokenSlot), "--key-description",
                    StratKeys.PREFIX + description, "--key-slot", Integer.toString(keyslot), cap.toString()));
        } catch (IOException e) {
            throw new EngineException("Token " + tokenSlot + " (" + oldToken.get("key_description") + ") was removed from " + cap
                    + " but the token for " + description + " could not be added; keyslot " + keyslot + " holds the new key: "
                    + e.getMessage());
        }
        if (old.isPresent()) {
            EngineException failure = new EngineException("Token " + tokenSlot + " of " + cap + " now binds " + description
                    + " but the old keyslot " + old.getAsInt() + " was not destroyed");
            if (killKeyslot(cap, old.getAsInt(), failure)) {
                throw failure;
            }
        }
    }

    /**
     * Adds a keyslot holding a key's passphrase, unlocking with a keyring token whose key is
     * present; returns its number (the lowest free one).
     */
    private int addKeyslot(Path cap, String description) throws EngineException {
        byte[] key = key(description);
        try {
            Luks2Header header = header(cap, 0).orElseThrow(() -> new EngineException("No LUKS2 header found on " + cap));
            int existing = -1;
            for (Map.Entry<Integer, String> token : header.keyringTokens().entrySet()) {
                if (keys.present(token.getValue())) {
                    existing = token.getKey();
                    break;
                }
            }
            if (existing < 0) {
                throw new EngineException("Cannot add a keyslot to " + cap + ": no key of its keyring bindings ("
                        + String.join(", ", header.keyringTokens().values()) + ") is in the kernel keyring");
            }
            int keyslot = 0;
            while (header.keyslots().contains(keyslot)) {
                keyslot++;
            }
            if (keyslot >= MAX_KEYSLOTS) {
                throw new EngineException("Reached limit of " + Encryption.MAX_TOKEN_SLOTS + " token and keyslots for pool");
            }
            tools.run(CRYPTSETUP, List.of("luksAddKey", "--batch-mode", "--token-only", "--token-id", Integer.toString(existing),
                    "--new-key-slot", Integer.toString(keyslot), "--new-keyfile", "-", cap.toString()), key);
            return keyslot;
        } catch (IOException e) {
            throw new EngineException("Cannot add a keyslot for " + description + " to " + cap + ": " + e.getMessage());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Destroys a keyslot; a failure is added to {@code failure} and reported as true. */
    private boolean killKeyslot(Path cap, int keyslot, EngineException failure) {
        try {
            tools.run(CRYPTSETUP, List.of("luksKillSlot", "--batch-mode", cap.toString(), Integer.toString(keyslot)));
            return false;
        } catch (IOException e) {
            failure.addSuppressed(new EngineException("cannot destroy keyslot " + keyslot + " of " + cap + ": " + e.getMessage()));
            return true;
        }
    }

    private static OptionalInt keyslotOf(Luks2Header header, long tokenSlot, Path cap) throws EngineException {
        try {
            return header.keyslot((int) tokenSlot);
        } catch (IllegalArgumentException e) {
            throw new EngineException("The LUKS2 header of " + cap + ": " + e.getMessage());
        }
    }

    private byte[] key(String description) throws EngineException {
        // 3.9.2's message when a key description is bound but absent.
        return keys.read(description)
                .orElseThrow(() -> new EngineException("Key with key description " + description + " not found in kernel keyring"));
    }

    private static Optional<Luks2Header> header(Path device, long at) throws EngineException {
        ByteBuffer bytes = ByteBuffer.allocate(Luks2Header.V2_READ_BYTES);
        try (BlockAccess access = FileBlockAccess.openReadOnly(device)) {
            access.read(at, bytes);
        } catch (IOException e) {
            throw new EngineException("Cannot read the LUKS2 header of " + device + ": " + e.getMessage());
        }
        if (!Luks2Header.hasMagic(bytes.array())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Luks2Header.parse(bytes.array()));
        } catch (IllegalArgumentException e) {
            throw new EngineException("The LUKS2 header of " + device + " cannot be read: " + e.getMessage());
        }
    }
}
