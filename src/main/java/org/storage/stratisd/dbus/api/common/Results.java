package org.storage.stratisd.dbus.api.common;

import java.util.List;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.UInt16;

/** The {@code (payload, return_code, return_string)} convention of every Stratis method. */
public final class Results {

    public static final String OK = "Ok";

    private Results() {
    }

    /**
     * A successful reply.
     *
     * @param payload the payload
     * @return payload, 0, {@code Ok}
     */
    public static Object[] ok(Object payload) {
        return new Object[] {payload, new UInt16(0), OK};
    }

    /**
     * A failed reply.
     *
     * @param defaultPayload the method's "nothing" payload
     * @param message        the error text
     * @return payload, 1, message
     */
    public static Object[] failed(Object defaultPayload, String message) {
        return new Object[] {defaultPayload, new UInt16(1), message};
    }

    /**
     * Whether a reply is a Stratis method's failure: its body ends with a return code and message,
     * and the code is not 0.
     *
     * @param reply the reply message
     * @return true for a return code other than 0
     */
    public static boolean failedReturnCode(org.freedesktop.dbus.messages.Message reply) {
        try {
            Object[] values = reply.getParameters();
            return values != null && values.length >= 2 && values[values.length - 2] instanceof UInt16 rc
                    && values[values.length - 1] instanceof String && rc.intValue() != 0;
        } catch (org.freedesktop.dbus.exceptions.DBusException e) {
            return false;
        }
    }

    /** A struct payload. */
    public static Object[] struct(Object... members) {
        return members;
    }

    /** Object paths for an {@code ao} payload. */
    public static List<DBusPath> paths(List<String> paths) {
        return paths.stream().map(DBusPath::new).toList();
    }

    /** One object path. */
    public static DBusPath path(String path) {
        return new DBusPath(path);
    }
}
