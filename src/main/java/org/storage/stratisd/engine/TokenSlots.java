package org.storage.stratisd.engine;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.TokenBinding;

/**
 * The binding rules for an encrypted pool's token slots: choosing a free slot, binding, unbinding
 * and re-binding key descriptions and Clevis configurations, with the API's messages. Works on a
 * copy; the caller stores the result only when the operation succeeded, so a refused operation
 * changes nothing.
 */
public final class TokenSlots {

    private final SortedMap<Long, TokenBinding> slots;

    /**
     * Starts from an existing set of bindings.
     *
     * @param encryption the current bindings
     */
    public TokenSlots(Encryption encryption) {
        this.slots = new TreeMap<>(encryption.slots());
    }

    /**
     * The bindings after the operations so far.
     *
     * @return the encryption
     */
    public Encryption result() {
        return new Encryption(slots);
    }

    /**
     * The smallest slot not in use: always one of {0 .. highest used + 1}.
     *
     * @return the slot
     */
    public long freeSlot() {
        long slot = 0;
        while (slots.containsKey(slot)) {
            slot++;
        }
        return slot;
    }

    /**
     * Turns a creation or encryption request into bindings.
     *
     * @param request the requested bindings
     * @param keyring checks that a key description exists, or null to skip that check
     * @return the bindings
     * @throws EngineException for a missing key or a slot requested twice
     */
    public static Encryption fromRequest(EncryptionRequest request, java.util.function.Predicate<String> keyring)
            throws EngineException {
        TokenSlots result = new TokenSlots(new Encryption(new TreeMap<>()));
        for (EncryptionRequest.Requested requested : request.bindings()) {
            long slot = requested.slot().orElseGet(result::freeSlot);
            if (keyring != null && requested.binding() instanceof TokenBinding.Key key && !keyring.test(key.description())) {
                throw new EngineException("Key " + key.description() + " was not found in the keyring");
            }
            if (result.slots.containsKey(slot)) {
                throw new EngineException("Token slot " + slot + " already occupied");
            }
            result.slots.put(slot, requested.binding());
        }
        return result.result();
    }

    /**
     * Binds a key description.
     *
     * @param description the key description
     * @param slot        explicit slot or empty
     * @param legacy      single-binding semantics
     * @return whether anything changed
     * @throws EngineException per the rules
     */
    public boolean bindKeyring(String description, Optional<Long> slot, boolean legacy) throws EngineException {
        checkLimit();
        TokenBinding.Key wanted = new TokenBinding.Key(description);
        if (slot.isPresent()) {
            long t = slot.get();
            TokenBinding held = slots.get(t);
            switch (held) {
                case null -> {
                    slots.put(t, wanted);
                    return true;
                }
                case TokenBinding.Key key when key.equals(wanted) -> {
                    return false;
                }
                case TokenBinding.Key key -> throw new EngineException("Key slot " + t
                        + " is already in use by key description " + key.description() + "; requested " + description);
                case TokenBinding.Clevis clevis -> throw new EngineException("Key slot " + t + " is already in use by a Clevis token");
            }
        }
        if (legacy) {
            Optional<Map.Entry<Long, TokenBinding.Key>> lowest = result().lowestKey();
            if (lowest.isPresent()) {
                String old = lowest.get().getValue().description();
                if (old.equals(description)) {
                    return false;
                }
                throw new EngineException("Attempted to bind to key description with " + description + "; already bound with " + old);
            }
        } else if (slots.containsValue(wanted)) {
            return false;
        }
        slots.put(freeSlot(), wanted);
        return true;
    }

    /**
     * Binds a Clevis configuration.
     *
     * @param pin    the pin
     * @param config compact JSON configuration
     * @param slot   explicit slot or empty
     * @param legacy single-binding semantics
     * @return whether anything changed
     * @throws EngineException per the rules
     */
    public boolean bindClevis(String pin, String config, Optional<Long> slot, boolean legacy) throws EngineException {
        checkLimit();
        TokenBinding.Clevis wanted = new TokenBinding.Clevis(pin, config);
        if (slot.isPresent()) {
            long t = slot.get();
            TokenBinding held = slots.get(t);
            switch (held) {
                case null -> {
                    slots.put(t, wanted);
                    return true;
                }
                case TokenBinding.Key key -> throw new EngineException("Key slot " + t + " is already in use by a key description");
                case TokenBinding.Clevis clevis when clevis.equals(wanted) -> {
                    return false;
                }
                case TokenBinding.Clevis clevis -> throw new EngineException("Key slot " + t + " is already in use by Clevis info ("
                        + clevis.pin() + ", " + clevis.config() + "); requested (" + pin + ", " + config + ")");
            }
        }
        if (legacy) {
            Optional<Map.Entry<Long, TokenBinding.Clevis>> lowest = result().lowestClevis();
            if (lowest.isPresent()) {
                TokenBinding.Clevis old = lowest.get().getValue();
                if (old.equals(wanted)) {
                    return false;
                }
                throw new EngineException("Attempted to bind to Clevis with (" + pin + ", " + config + "); already bound with ("
                        + old.pin() + ", " + old.config() + ")");
            }
        }
        slots.put(freeSlot(), wanted);
        return true;
    }

    /**
     * Removes a key-description binding.
     *
     * @param slot explicit slot, or empty for the lowest key-description slot
     * @return whether a binding was removed
     * @throws EngineException per the rules
     */
    public boolean unbindKeyring(Optional<Long> slot) throws EngineException {
        return unbind(slot, TokenBinding.Key.class, "key description", "keyring", "Clevis");
    }

    /**
     * Removes a Clevis binding.
     *
     * @param slot explicit slot, or empty for the lowest Clevis slot
     * @return whether a binding was removed
     * @throws EngineException per the rules
     */
    public boolean unbindClevis(Optional<Long> slot) throws EngineException {
        return unbind(slot, TokenBinding.Clevis.class, "Clevis", "Clevis", "keyring");
    }

    /** The unbind rule, for either kind: never the last binding; the slot must hold this kind. */
    private boolean unbind(Optional<Long> slot, Class<? extends TokenBinding> kind, String what, String from, String other)
            throws EngineException {
        if (slots.size() < 2) {
            throw new EngineException("There is one remaining unlock method; removing the " + what + " binding would"
                    + " remove the ability to open this device; aborting");
        }
        Optional<Long> target = slot.isPresent() ? slot : lowest(kind);
        if (target.isEmpty() || !slots.containsKey(target.get())) {
            return false;
        }
        if (!kind.isInstance(slots.get(target.get()))) {
            throw new EngineException("Cannot unbind token slot " + target.get() + " from " + from + "; bound to " + other);
        }
        slots.remove(target.get());
        return true;
    }

    private Optional<Long> lowest(Class<? extends TokenBinding> kind) {
        return slots.entrySet().stream().filter(e -> kind.isInstance(e.getValue())).map(Map.Entry::getKey).findFirst();
    }

    /**
     * Replaces the key description in a slot.
     *
     * @param description the new key description
     * @param slot        explicit slot, or empty for the lowest key-description slot
     * @return whether it changed
     * @throws EngineException per the rules
     */
    public boolean rebindKeyring(String description, Optional<Long> slot) throws EngineException {
        Optional<Long> target = slot.isPresent() ? slot : result().lowestKey().map(Map.Entry::getKey);
        if (target.isEmpty() || !slots.containsKey(target.get())) {
            throw new EngineException("Cannot rebind empty slot");
        }
        TokenBinding held = slots.get(target.get());
        if (held instanceof TokenBinding.Clevis) {
            throw new EngineException("Cannot rebind slot " + target.get() + " with a key description; slot is bound to a Clevis config");
        }
        if (held.equals(new TokenBinding.Key(description))) {
            return false;
        }
        slots.put(target.get(), new TokenBinding.Key(description));
        return true;
    }

    /**
     * Re-binds the Clevis binding in a slot (nothing stored changes).
     *
     * @param slot explicit slot, or empty for the lowest Clevis slot
     * @throws EngineException per the rules
     */
    public void rebindClevis(Optional<Long> slot) throws EngineException {
        Optional<Long> target = slot.isPresent() ? slot : result().lowestClevis().map(Map.Entry::getKey);
        if (target.isEmpty() || !slots.containsKey(target.get())) {
            throw new EngineException("Cannot rebind empty slot");
        }
        if (slots.get(target.get()) instanceof TokenBinding.Key) {
            throw new EngineException("Cannot rebind slot " + target.get() + " with a key description; slot is bound to a key config");
        }
    }

    private void checkLimit() throws EngineException {
        if (slots.size() >= Encryption.MAX_TOKEN_SLOTS) {
            throw new EngineException("Reached limit of " + Encryption.MAX_TOKEN_SLOTS + " token and keyslots for pool");
        }
    }
}
