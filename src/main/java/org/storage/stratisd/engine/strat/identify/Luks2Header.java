package org.storage.stratisd.engine.strat.identify;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.storage.stratisd.json.Json;

/**
 * The parts of a LUKS2 header that decide whether a device belongs to a V1 Stratis pool: the
 * binary header (magic, version, header size) and the tokens of its JSON area (real-engine spec
 * §6.2, §6.3).
 *
 * @param tokens   the tokens by id, each a parsed JSON object
 * @param keyslots the ids of the keyslots in use
 */
public record Luks2Header(Map<Integer, Map<?, ?>> tokens, Set<Integer> keyslots) {

    /** Bytes a caller must read for {@link #parse} on a V1 member device: its header size (16 KiB). */
    public static final int READ_BYTES = 16384;
    /** Bytes a caller must read for {@link #parse} on a V2 pool's cap: its header size (64 KiB, spec §6.1). */
    public static final int V2_READ_BYTES = 65536;
    private static final byte[] MAGIC = {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe};
    private static final int JSON_OFFSET = 4096;
    private static final Set<String> STRATIS_TOKEN_KEYS = Set.of("type", "keyslots", "activation_name", "pool_uuid",
            "device_uuid", "pool_name");
    private static final String KEY_PREFIX = "stratis-1-key-";

    /** Copies the map and the set. */
    public Luks2Header {
        tokens = Map.copyOf(tokens);
        keyslots = Set.copyOf(keyslots);
    }

    /**
     * The Stratis token (token 0) of a V1 device.
     *
     * @param poolUuid       the pool
     * @param deviceUuid     the device
     * @param poolName       the pool's name, if recorded
     * @param activationName the crypt device's name
     */
    public record StratisToken(UUID poolUuid, UUID deviceUuid, Optional<String> poolName, String activationName) {
    }

    /**
     * Whether the bytes start with the LUKS magic.
     *
     * @param bytes the start of a device
     * @return true for any LUKS version
     */
    public static boolean hasMagic(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * Parses the start of a LUKS device.
     *
     * @param bytes at least the header size (16 KiB) from byte 0
     * @return the header
     * @throws IllegalArgumentException naming what is wrong, if it is not a readable LUKS2 header
     */
    public static Luks2Header parse(byte[] bytes) {
        if (!hasMagic(bytes)) {
            throw new IllegalArgumentException("no LUKS magic");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int version = Short.toUnsignedInt(b.getShort(6));
        if (version != 2) {
            throw new IllegalArgumentException("LUKS version " + version + ", not 2");
        }
        long headerSize = b.getLong(8);
        if (headerSize <= JSON_OFFSET || headerSize > bytes.length) {
            throw new IllegalArgumentException("LUKS2 header size " + headerSize + " out of range");
        }
        int end = JSON_OFFSET;
        while (end < headerSize && bytes[end] != 0) {
            end++;
        }
        Object json;
        try {
            json = Json.parse(new String(bytes, JSON_OFFSET, end - JSON_OFFSET, StandardCharsets.UTF_8));
        } catch (Json.JsonException e) {
            throw new IllegalArgumentException("LUKS2 JSON area is not JSON: " + e.getMessage());
        }
        Map<Integer, Map<?, ?>> tokens = new TreeMap<>();
        if (json instanceof Map<?, ?> root && root.get("tokens") instanceof Map<?, ?> t) {
            for (Map.Entry<?, ?> e : t.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> token && e.getKey().toString().matches("[0-9]{1,3}")) {
                    tokens.put(Integer.parseInt(e.getKey().toString()), token);
                }
            }
        }
        Set<Integer> keyslots = new java.util.TreeSet<>();
        if (json instanceof Map<?, ?> root && root.get("keyslots") instanceof Map<?, ?> k) {
            k.keySet().stream().map(Object::toString).filter(id -> id.matches("[0-9]{1,2}")).forEach(id -> keyslots.add(Integer.parseInt(id)));
        }
        return new Luks2Header(tokens, keyslots);
    }

    /**
     * Token 0 as a Stratis token, checked strictly: exactly the known keys, type {@code stratis},
     * no keyslots, hyphenated UUIDs.
     *
     * @return the token, or empty if token 0 is missing or not a valid Stratis token
     */
    public Optional<StratisToken> stratisToken() {
        Map<?, ?> t = tokens.get(0);
        if (t == null || !STRATIS_TOKEN_KEYS.containsAll(t.keySet().stream().map(Object::toString).toList())
                || !"stratis".equals(t.get("type")) || !(t.get("keyslots") instanceof List<?> slots) || !slots.isEmpty()
                || !(t.get("activation_name") instanceof String activation)
                || !(t.get("pool_uuid") instanceof String pool) || !(t.get("device_uuid") instanceof String device)
                || pool.length() != 36 || device.length() != 36) {
            return Optional.empty();
        }
        Object name = t.get("pool_name");
        if (name != null && !(name instanceof String)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StratisToken(UUID.fromString(pool), UUID.fromString(device),
                    Optional.ofNullable((String) name), activation));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether this header makes its device a member of a V1 Stratis pool: a valid Stratis token 0,
     * token 1 or 2 present, and token 1, if present, of type {@code luks2-keyring}.
     *
     * @return true if it does
     */
    public boolean isStratisV1() {
        Map<?, ?> one = tokens.get(1);
        return stratisToken().isPresent() && (one != null || tokens.containsKey(2))
                && (one == null || "luks2-keyring".equals(one.get("type")));
    }

    /**
     * The Stratis key descriptions bound by keyring tokens, prefix removed, in token id order.
     *
     * @return the descriptions
     */
    public List<String> keyDescriptions() {
        return List.copyOf(keyringTokens().values());
    }

    /**
     * The keyring tokens that bind a Stratis key description, by token id (what a V2 pool's
     * {@code KeyDescriptions} shows and what a keyring unlock tries, lowest id first).
     *
     * @return token id to description, prefix removed
     */
    public SortedMap<Integer, String> keyringTokens() {
        SortedMap<Integer, String> out = new TreeMap<>();
        tokens.forEach((id, t) -> {
            if ("luks2-keyring".equals(t.get("type")) && t.get("key_description") instanceof String d
                    && d.startsWith(KEY_PREFIX) && d.length() > KEY_PREFIX.length()) {
                out.put(id, d.substring(KEY_PREFIX.length()));
            }
        });
        return out;
    }

    /**
     * The keyslot a token unlocks: its {@code keyslots} must name exactly one (numeric strings;
     * others are ignored, as upstream does).
     *
     * @param token the token id
     * @return the keyslot, or empty if the token is absent or names none
     * @throws IllegalArgumentException if it names more than one
     */
    public OptionalInt keyslot(int token) {
        Map<?, ?> t = tokens.get(token);
        if (t == null || !(t.get("keyslots") instanceof List<?> slots)) {
            return OptionalInt.empty();
        }
        List<Integer> numeric = slots.stream().filter(s -> s instanceof String v && v.matches("[0-9]{1,2}"))
                .map(s -> Integer.parseInt((String) s)).toList();
        if (numeric.size() > 1) {
            throw new IllegalArgumentException("token " + token + " references " + numeric.size() + " keyslots, not one");
        }
        return numeric.isEmpty() ? OptionalInt.empty() : OptionalInt.of(numeric.getFirst());
    }

    /**
     * Whether a Clevis token is present.
     *
     * @return true if one is
     */
    public boolean hasClevis() {
        return tokens.values().stream().anyMatch(t -> "clevis".equals(t.get("type")));
    }
}
