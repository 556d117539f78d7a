package org.storage.stratisd.dbus.wire;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.types.Variant;

/**
 * Marshals message bodies in the D-Bus wire format (little-endian), driven by the signature, from
 * the value forms the daemon hands to dbus-java: {@link Map} for dictionaries, {@link Collection}
 * or {@code Object[]} for arrays, {@code Object[]} or {@link Struct} for structs, {@link Variant},
 * {@link DBusPath}, strings, booleans and numbers (dbus-java's unsigned types are numbers). It
 * exists because dbus-java 5.2.2 keeps a message as a list of pieces that grows 20 slots at a time
 * and is copied each time, which is quadratic in the number of values: a reply with tens of
 * thousands of objects took seconds to minutes. Here one buffer doubles as it grows.
 *
 * <p>A value it does not know (a file descriptor, an unexpected class) raises
 * {@link Unsupported}; the caller then falls back to dbus-java's marshalling.
 */
public final class WireMarshaller {

    private WireMarshaller() {
    }

    /** A value this marshaller does not handle. */
    public static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The entries of a dictionary ({@code a{..}}), each marshalled ahead of time by {@link #entry},
     * standing for that dictionary in a body. Valid wherever they are placed: an entry starts at a
     * multiple of 8 from the message's start, as it did from its own buffer's, and every alignment
     * of the wire format divides 8. {@code plain} gives the same dictionary in dbus-java's form,
     * for a message that dbus-java has to marshal after all ({@link #plain(Object[])}).
     *
     * @param marshalled the entries' bytes, in order
     * @param plain      the dictionary itself
     */
    public record Entries(List<byte[]> marshalled, Supplier<Map<?, ?>> plain) {
    }

    /**
     * Marshals one dictionary entry on its own, for {@link Entries}.
     *
     * @param signature the entry's type, e.g. {@code {oa{sa{sv}}}}
     * @param key       the key
     * @param value     the value
     * @return the entry's bytes
     * @throws Unsupported if the values do not fit the signature
     */
    public static byte[] entry(String signature, Object key, Object value) throws Unsupported {
        if (signature.isEmpty() || signature.charAt(0) != '{' || typeEnd(signature, 0) != signature.length()) {
            throw new Unsupported("not one dictionary entry type: " + signature);
        }
        int keyEnd = typeEnd(signature, 1);
        int valueEnd = typeEnd(signature, keyEnd);
        WireBuffer out = new WireBuffer(256);
        one(out, signature, 1, keyEnd, key);
        one(out, signature, keyEnd, valueEnd, value);
        return out.toByteArray();
    }

    /**
     * A starting size for a body's buffer: enough for the entries marshalled ahead (with their
     * padding and the array's length), a small buffer otherwise; the buffer grows as needed.
     *
     * @param values a body's values
     * @return bytes
     */
    static int sizeHint(Object[] values) {
        long hint = 256;
        for (Object value : values) {
            if (value instanceof Entries entries) {
                hint += 8;
                for (byte[] entry : entries.marshalled()) {
                    hint += entry.length + 7;
                }
            }
        }
        return (int) Math.min(hint, 1L << 28);
    }

    /**
     * The values with every {@link Entries} replaced by its plain dictionary, for dbus-java.
     *
     * @param values a body's values
     * @return the same values in dbus-java's forms
     */
    public static Object[] plain(Object[] values) {
        Object[] plain = values.clone();
        for (int i = 0; i < plain.length; i++) {
            if (plain[i] instanceof Entries entries) {
                plain[i] = entries.plain().get();
            }
        }
        return plain;
    }

    /**
     * Marshals a body whose first byte sits at an 8-aligned offset of the message (as a body always does).
     *
     * @param out       the buffer, positioned at the body's start
     * @param signature the body's signature (a sequence of complete types)
     * @param values    one value per complete type
     * @throws Unsupported if a value does not fit or is of a form not handled here
     */
    static void body(WireBuffer out, String signature, Object[] values) throws Unsupported {
        int[] position = {0};
        for (Object value : values) {
            if (position[0] >= signature.length()) {
                throw new Unsupported("more values than the signature " + signature + " has types");
            }
            int start = position[0];
            int end = typeEnd(signature, start);
            position[0] = end;
            one(out, signature, start, end, value);
        }
        if (position[0] != signature.length()) {
            throw new Unsupported("fewer values than the signature " + signature + " has types");
        }
    }

    /** The index just past the complete type that starts at {@code start}. */
    static int typeEnd(String signature, int start) throws Unsupported {
        if (start >= signature.length()) {
            throw new Unsupported("truncated signature " + signature);
        }
        char c = signature.charAt(start);
        return switch (c) {
            case 'a' -> typeEnd(signature, start + 1);
            case '(', '{' -> {
                char close = c == '(' ? ')' : '}';
                int i = start + 1;
                while (i < signature.length() && signature.charAt(i) != close) {
                    i = typeEnd(signature, i);
                }
                if (i >= signature.length()) {
                    throw new Unsupported("unbalanced signature " + signature);
                }
                yield i + 1;
            }
            default -> start + 1;
        };
    }

    private static int alignment(char type) {
        return switch (type) {
            case 'y', 'g', 'v' -> 1;
            case 'n', 'q' -> 2;
            case 'x', 't', 'd', '(', '{' -> 8;
            default -> 4;
        };
    }

    private static void one(WireBuffer out, String sig, int start, int end, Object value) throws Unsupported {
        char type = sig.charAt(start);
        switch (type) {
            case 'y' -> out.putByte((int) number(value));
            case 'b' -> {
                if (!(value instanceof Boolean b)) {
                    throw unsupported(type, value);
                }
                out.putU32(b ? 1 : 0);
            }
            case 'n', 'q' -> out.putU16((int) number(value));
            case 'i', 'u' -> out.putU32(number(value));
            case 'x', 't' -> out.putU64(number(value));
            case 'd' -> {
                if (!(value instanceof Number n)) {
                    throw unsupported(type, value);
                }
                out.putU64(Double.doubleToRawLongBits(n.doubleValue()));
            }
            case 's', 'o' -> string(out, text(type, value));
            case 'g' -> signature(out, text(type, value));
            case 'v' -> {
                if (!(value instanceof Variant<?> variant)) {
                    throw unsupported(type, value);
                }
                String inner = variant.getSig();
                signature(out, inner);
                if (inner.isEmpty() || typeEnd(inner, 0) != inner.length()) {
                    throw new Unsupported("variant signature " + inner + " is not one complete type");
                }
                one(out, inner, 0, inner.length(), variant.getValue());
            }
            case 'a' -> array(out, sig, start + 1, end, value);
            case '(' -> {
                Object[] members = switch (value) {
                    case Object[] array -> array;
                    case Struct struct -> struct.getParameters();
                    default -> throw unsupported(type, value);
                };
                out.align(8);
                int i = start + 1;
                for (Object member : members) {
                    if (sig.charAt(i) == ')') {
                        throw new Unsupported("struct " + sig.substring(start, end) + " has fewer members than given");
                    }
                    int memberEnd = typeEnd(sig, i);
                    one(out, sig, i, memberEnd, member);
                    i = memberEnd;
                }
                if (sig.charAt(i) != ')') {
                    throw new Unsupported("struct " + sig.substring(start, end) + " has more members than given");
                }
            }
            default -> throw unsupported(type, value);
        }
    }

    private static void array(WireBuffer out, String sig, int elementStart, int end, Object value) throws Unsupported {
        int lengthAt = out.reserveU32();
        char element = sig.charAt(elementStart);
        out.align(alignment(element));
        int first = out.length();
        if (element == '{' && value instanceof Entries entries) {
            for (byte[] entry : entries.marshalled()) {
                out.align(8);
                out.putBytes(entry);
            }
        } else if (element == '{') {
            if (!(value instanceof Map<?, ?> map)) {
                throw unsupported('a', value);
            }
            int keyEnd = typeEnd(sig, elementStart + 1);
            int valueEnd = typeEnd(sig, keyEnd);
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.align(8);
                one(out, sig, elementStart + 1, keyEnd, entry.getKey());
                one(out, sig, keyEnd, valueEnd, entry.getValue());
            }
        } else if (element == 'y' && value instanceof byte[] bytes) {
            out.putBytes(bytes);
        } else {
            Iterable<?> items = switch (value) {
                case Collection<?> collection -> collection;
                case Object[] array -> List.of(array);
                default -> throw unsupported('a', value);
            };
            for (Object item : items) {
                one(out, sig, elementStart, end, item);
            }
        }
        long length = out.length() - first;
        if (length > 67_108_864L) {
            throw new Unsupported("array of " + length + " bytes exceeds the D-Bus limit of 64 MiB");
        }
        out.setU32(lengthAt, length);
    }

    private static long number(Object value) throws Unsupported {
        if (value instanceof Number n && !(value instanceof Double) && !(value instanceof Float)) {
            return n.longValue();
        }
        throw new Unsupported("expected an integer, got " + describe(value));
    }

    private static String text(char type, Object value) throws Unsupported {
        return switch (value) {
            case String s -> s;
            case DBusPath p when type == 'o' -> p.getPath();
            default -> throw unsupported(type, value);
        };
    }

    /** Marshals a string or object path: length, UTF-8 bytes, a terminating zero. */
    static void string(WireBuffer out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.putU32(utf8.length);
        out.putBytes(utf8);
        out.putByte(0);
    }

    /** Marshals a signature: one length byte, the ASCII bytes, a terminating zero. */
    static void signature(WireBuffer out, String s) {
        byte[] ascii = s.getBytes(StandardCharsets.US_ASCII);
        out.putByte(ascii.length);
        out.putBytes(ascii);
        out.putByte(0);
    }

    private static Unsupported unsupported(char type, Object value) {
        return new Unsupported("cannot marshal " + describe(value) + " as '" + type + "'");
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }
}
