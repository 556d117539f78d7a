package org.storage.stratisd.dbus.api;

/** The standard D-Bus error names the daemon replies with (never dbus-java's own names). */
public final class DbusErrors {

    public static final String FAILED = "org.freedesktop.DBus.Error.Failed";
    public static final String UNKNOWN_OBJECT = "org.freedesktop.DBus.Error.UnknownObject";
    public static final String UNKNOWN_INTERFACE = "org.freedesktop.DBus.Error.UnknownInterface";
    public static final String UNKNOWN_METHOD = "org.freedesktop.DBus.Error.UnknownMethod";
    public static final String UNKNOWN_PROPERTY = "org.freedesktop.DBus.Error.UnknownProperty";
    public static final String INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs";
    /** A reply too large for the bus. */
    public static final String LIMITS_EXCEEDED = "org.freedesktop.DBus.Error.LimitsExceeded";

    private DbusErrors() {
    }
}
