package org.storage.stratisd.dbus.api;

/**
 * Thrown inside the D-Bus layer to answer a call with a D-Bus error (standard error name and a
 * message) rather than a normal reply. Stratis methods never use it for engine failures: those are
 * normal replies carrying a return code and message.
 */
public final class DbusErrorReply extends Exception {

    private final String errorName;

    /**
     * Creates the error.
     *
     * @param errorName a standard name from {@link DbusErrors}
     * @param message   the message sent with it
     */
    public DbusErrorReply(String errorName, String message) {
        super(message, null, false, false);
        this.errorName = errorName;
    }

    /**
     * The D-Bus error name.
     *
     * @return e.g. {@code org.freedesktop.DBus.Error.UnknownObject}
     */
    public String errorName() {
        return errorName;
    }
}
