package org.storage.stratisd.testsupport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.storage.stratisd.engine.strat.keys.Keyring;
import org.storage.stratisd.engine.strat.keys.KeyringException;

/**
 * A keyring kept in memory with the kernel's semantics that matter here: {@code add_key} of an
 * existing description replaces its payload; reads are truncated to the buffer. Each call is
 * atomic by itself, but a yield inside search and add widens the window between calls.
 */
public final class MemoryKeyring implements Keyring {
    /** The keys' payloads by description. */
    public final Map<String, byte[]> keys = new LinkedHashMap<>();
    /** The descriptions by serial. */
    public final Map<Integer, String> serials = new LinkedHashMap<>();
    /** How many adds were made. */
    public final AtomicInteger adds = new AtomicInteger();
    /** How many updates were made. */
    public final AtomicInteger updates = new AtomicInteger();
    /** When set, adds fail with this message. */
    public volatile String refuse;
    private int next = 100;

    /**
     * A key's payload.
     *
     * @param description the full description
     * @return a copy of its bytes
     */
    public synchronized byte[] payload(String description) {
        return keys.get(description).clone();
    }

    @Override
    public OptionalInt search(String description) {
        Thread.yield();
        synchronized (this) {
            return serials.entrySet().stream().filter(e -> e.getValue().equals(description))
                    .mapToInt(Map.Entry::getKey).findFirst();
        }
    }

    @Override
    public synchronized byte[] read(int serial, int max) {
        byte[] value = keys.get(serials.get(serial));
        return java.util.Arrays.copyOf(value, Math.min(max, value.length));
    }

    @Override
    public int add(String description, byte[] payload) throws KeyringException {
        if (refuse != null) {
            throw new KeyringException(refuse, 122);
        }
        Thread.yield();
        synchronized (this) {
            adds.incrementAndGet();
            keys.put(description, payload.clone());
            OptionalInt existing = serials.entrySet().stream().filter(e -> e.getValue().equals(description))
                    .mapToInt(Map.Entry::getKey).findFirst();
            if (existing.isPresent()) {
                return existing.getAsInt();
            }
            serials.put(next, description);
            return next++;
        }
    }

    @Override
    public synchronized void update(int serial, byte[] payload) {
        updates.incrementAndGet();
        keys.put(serials.get(serial), payload.clone());
    }

    @Override
    public synchronized void unlink(int serial) {
        keys.remove(serials.remove(serial));
    }

    @Override
    public synchronized List<String> descriptions() {
        return List.copyOf(serials.values());
    }
}
