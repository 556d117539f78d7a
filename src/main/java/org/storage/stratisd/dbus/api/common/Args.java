package org.storage.stratisd.dbus.api.common;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.storage.stratisd.engine.EncryptionRequest;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.view.TokenBinding;
import org.storage.stratisd.json.Json;

/**
 * Decoding of method arguments from dbus-java's raw forms into engine values, with the API's
 * messages for what does not decode. Failures are {@link EngineException}s so that methods answer
 * them in the return-code convention.
 */
public final class Args {

    /** The unsigned 128-bit maximum, the bound of size strings. */
    private static final BigInteger U128_MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private Args() {
    }

    public static String string(Object arg) {
        return (String) arg;
    }

    public static boolean bool(Object arg) {
        return (Boolean) arg;
    }

    public static String path(Object arg) {
        return ((DBusPath) arg).getPath();
    }

    public static List<String> strings(Object arg) {
        return ((List<?>) arg).stream().map(String.class::cast).toList();
    }

    public static List<String> paths(Object arg) {
        return ((List<?>) arg).stream().map(p -> ((DBusPath) p).getPath()).toList();
    }

    /** The {@code (b, T)} option convention: the value only when the flag is true. */
    public static Optional<Object> option(Object arg) {
        Object[] tuple = (Object[]) arg;
        return (Boolean) tuple[0] ? Optional.of(tuple[1]) : Optional.empty();
    }

    /** A token slot option {@code (bu)}. */
    public static Optional<Long> slot(Object arg) {
        return option(arg).map(v -> ((UInt32) v).longValue());
    }

    /** An unsigned 64-bit option {@code (bt)}. */
    public static Optional<Long> u64Option(Object arg) {
        return option(arg).map(v -> ((UInt64) v).longValue());
    }

    /**
     * Parses a UUID as upstream does: simple, hyphenated, braced or {@code urn:uuid:} form, any case.
     *
     * @param text the text
     * @return the UUID
     * @throws EngineException {@code Uuid error: ...} when it does not parse
     */
    public static UUID uuid(String text) throws EngineException {
        int offset;
        boolean hyphens = true;
        switch (text.length()) {
            case 32 -> {
                offset = 0;
                hyphens = false;
            }
            case 36 -> offset = 0;
            case 38 -> {
                if (text.charAt(0) != '{' || text.charAt(37) != '}') {
                    throw invalidCharacter(text.charAt(0) != '{' ? text.charAt(0) : text.charAt(37),
                            text.charAt(0) != '{' ? 1 : 38);
                }
                offset = 1;
            }
            case 45 -> {
                if (!text.regionMatches(true, 0, "urn:uuid:", 0, 9)) {
                    throw invalidCharacter(text.charAt(0), 1);
                }
                offset = 9;
            }
            default -> throw new EngineException("Uuid error: invalid length: expected length 32 for simple format, found "
                    + text.length());
        }
        String body = text.substring(offset, offset + (hyphens ? 36 : 32));
        StringBuilder hex = new StringBuilder(32);
        // One scan from the left, so the first wrong character is the one named, at its place in
        // the text as given. ASCII only, as upstream's parser: Character.digit would take any
        // Unicode digit (Arabic-Indic, Devanagari, fullwidth) for its value.
        for (int j = 0; j < body.length(); j++) {
            char c = body.charAt(j);
            boolean hyphenPlace = hyphens && (j == 8 || j == 13 || j == 18 || j == 23);
            boolean valid = hyphenPlace ? c == '-' : c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!valid) {
                throw invalidCharacter(c, offset + j + 1);
            }
            if (!hyphenPlace) {
                hex.append(c);
            }
        }
        String lower = hex.toString().toLowerCase(Locale.ROOT);
        return new UUID(Long.parseUnsignedLong(lower.substring(0, 16), 16), Long.parseUnsignedLong(lower.substring(16), 16));
    }

    private static EngineException invalidCharacter(char c, int position) {
        return new EngineException("Uuid error: invalid character: expected an optional prefix of `urn:uuid:`"
                + " followed by [0-9a-fA-F-], found `" + c + "` at " + position);
    }

    /**
     * Parses an unsigned 128-bit decimal size.
     *
     * @param text    the text
     * @param message the message when it does not parse
     * @return the value
     * @throws EngineException with {@code message}
     */
    public static BigInteger u128(String text, String message) throws EngineException {
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new EngineException(message);
        }
        BigInteger value = new BigInteger(text);
        if (value.compareTo(U128_MAX) > 0) {
            throw new EngineException(message);
        }
        return value;
    }

    /**
     * Checks a Clevis configuration and renders it compactly.
     *
     * @param json the configuration as the client sent it
     * @return the compact JSON text stored and published
     * @throws EngineException {@code Serde error: ...} when it is not JSON
     */
    public static String clevisConfig(String json) throws EngineException {
        try {
            return Json.canonical(json);
        } catch (Json.JsonException e) {
            throw new EngineException("Serde error: " + e.getMessage());
        }
    }

    /**
     * Decodes the r8/r9 encryption arguments {@code a((bu)s)} and {@code a((bu)ss)}.
     *
     * @param keyDescs    key descriptions with optional slots
     * @param clevisInfos Clevis bindings with optional slots
     * @return the request
     * @throws EngineException on invalid JSON or an explicit slot requested twice
     */
    public static EncryptionRequest encryption(Object keyDescs, Object clevisInfos) throws EngineException {
        List<EncryptionRequest.Requested> bindings = new ArrayList<>();
        for (Object entry : (List<?>) keyDescs) {
            Object[] t = (Object[]) entry;
            bindings.add(new EncryptionRequest.Requested(slot(t[0]), new TokenBinding.Key((String) t[1])));
        }
        for (Object entry : (List<?>) clevisInfos) {
            Object[] t = (Object[]) entry;
            bindings.add(new EncryptionRequest.Requested(slot(t[0]),
                    new TokenBinding.Clevis((String) t[1], clevisConfig((String) t[2]))));
        }
        Set<Long> explicit = new HashSet<>();
        for (EncryptionRequest.Requested requested : bindings) {
            if (requested.slot().isPresent() && !explicit.add(requested.slot().get())) {
                throw new EngineException("Token slot " + requested.slot().get() + " already taken");
            }
        }
        return new EncryptionRequest(bindings);
    }

    /**
     * Decodes the legacy encryption arguments {@code (bs)} and {@code (b(ss))}: a key description
     * binds slot 1, Clevis slot 2.
     *
     * @param keyDesc optional key description
     * @param clevis  optional (pin, JSON)
     * @return the request
     * @throws EngineException on invalid JSON
     */
    public static EncryptionRequest legacyEncryption(Object keyDesc, Object clevis) throws EngineException {
        List<EncryptionRequest.Requested> bindings = new ArrayList<>();
        Optional<Object> key = option(keyDesc);
        if (key.isPresent()) {
            bindings.add(new EncryptionRequest.Requested(Optional.of(1L), new TokenBinding.Key((String) key.get())));
        }
        Optional<Object> pinAndConfig = option(clevis);
        if (pinAndConfig.isPresent()) {
            Object[] pc = (Object[]) pinAndConfig.get();
            bindings.add(new EncryptionRequest.Requested(Optional.of(2L),
                    new TokenBinding.Clevis((String) pc[0], clevisConfig((String) pc[1]))));
        }
        return new EncryptionRequest(bindings);
    }
}
