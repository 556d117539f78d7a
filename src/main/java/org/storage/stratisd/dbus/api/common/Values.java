package org.storage.stratisd.dbus.api.common;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;

/** Conversions between engine values and the D-Bus value conventions of the Stratis API. */
public final class Values {

    /** The nil UUID in simple form, the placeholder of "no UUID". */
    public static final String NIL_UUID = "00000000000000000000000000000000";

    private Values() {
    }

    /**
     * A UUID in the simple form used in properties and results: 32 lower-case hex digits.
     *
     * @param uuid the UUID
     * @return e.g. {@code 0f1e...}
     */
    public static String simple(UUID uuid) {
        return uuid.toString().replace("-", "").toLowerCase(Locale.ROOT);
    }

    /**
     * A variant of a struct, given its members in order.
     *
     * @param signature e.g. {@code (bs)}
     * @param members   the members in dbus-java's forms
     * @return the variant
     */
    public static Variant<?> struct(String signature, Object... members) {
        return new Variant<>(members, signature);
    }

    /**
     * The {@code (bs)} option tuple: {@code (true, value)} or {@code (false, "")}.
     *
     * @param value the optional string
     * @return the variant
     */
    public static Variant<?> optionalString(Optional<String> value) {
        return struct("(bs)", value.isPresent(), value.orElse(""));
    }

    /**
     * A variant of a string.
     *
     * @param value the string
     * @return the variant
     */
    public static Variant<?> string(String value) {
        return new Variant<>(value);
    }

    /**
     * A variant of a boolean.
     *
     * @param value the boolean
     * @return the variant
     */
    public static Variant<?> bool(boolean value) {
        return new Variant<>(value);
    }

    /**
     * A variant of an unsigned 64-bit integer ({@code t}).
     *
     * @param value the value, read as unsigned
     * @return the variant
     */
    public static Variant<?> u64(long value) {
        return new Variant<>(new UInt64(value));
    }

    /**
     * A variant of an unsigned 16-bit integer ({@code q}).
     *
     * @param value the value
     * @return the variant
     */
    public static Variant<?> u16(int value) {
        return new Variant<>(new UInt16(value));
    }

    /**
     * A variant of an object path.
     *
     * @param path the path
     * @return the variant
     */
    public static Variant<?> path(String path) {
        return new Variant<>(new DBusPath(path));
    }
}
