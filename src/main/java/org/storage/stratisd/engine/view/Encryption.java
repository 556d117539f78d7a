package org.storage.stratisd.engine.view;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The encryption bindings of a pool: token slot to binding, at most {@link #MAX_TOKEN_SLOTS}.
 *
 * @param slots token slot to binding, ordered by slot
 */
public record Encryption(SortedMap<Long, TokenBinding> slots) {

    /** The number of token and key slots a pool has. */
    public static final int MAX_TOKEN_SLOTS = 15;

    /** Copies the map and freezes it. */
    public Encryption {
        slots = Collections.unmodifiableSortedMap(new TreeMap<>(slots));
    }

    /**
     * How many slots are still free.
     *
     * @return 15 minus the number of bindings
     */
    public int freeSlots() {
        return MAX_TOKEN_SLOTS - slots.size();
    }

    /**
     * The smallest slot holding a key description.
     *
     * @return that slot and its binding, or empty
     */
    public Optional<Map.Entry<Long, TokenBinding.Key>> lowestKey() {
        return slots.entrySet().stream()
                .filter(e -> e.getValue() instanceof TokenBinding.Key)
                .findFirst()
                .map(e -> Map.entry(e.getKey(), (TokenBinding.Key) e.getValue()));
    }

    /**
     * The smallest slot holding a Clevis binding.
     *
     * @return that slot and its binding, or empty
     */
    public Optional<Map.Entry<Long, TokenBinding.Clevis>> lowestClevis() {
        return slots.entrySet().stream()
                .filter(e -> e.getValue() instanceof TokenBinding.Clevis)
                .findFirst()
                .map(e -> Map.entry(e.getKey(), (TokenBinding.Clevis) e.getValue()));
    }
}
