package org.storage.stratisd.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.messages.Error;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;

/**
 * Raw Stratis calls through a dbus-java client, with the reply split into payload, return code and
 * message, and a recorder of PropertiesChanged signals.
 */
public final class StratisCalls {

    private final BusClient client;

    /**
     * Wraps a client.
     *
     * @param client the client
     */
    public StratisCalls(BusClient client) {
        this.client = client;
    }

    /**
     * A Stratis method's reply.
     *
     * @param payload the payload
     * @param rc      the return code
     * @param message the return string
     */
    public record Result(Object payload, int rc, String message) {

        /** The payload as a struct. */
        public Object[] struct() {
            return (Object[]) payload;
        }

        /** Asserts success and returns this. */
        public Result ok() {
            assertThat(rc).as("rc of a call answered '%s'", message).isZero();
            assertThat(message).isEqualTo("Ok");
            return this;
        }

        /** Asserts failure with this message and returns this. */
        public Result failed(String expected) {
            assertThat(message).isEqualTo(expected);
            assertThat(rc).isEqualTo(1);
            return this;
        }
    }

    /**
     * Calls a Stratis method and splits its reply.
     *
     * @param path      the object
     * @param iface     interface with revision
     * @param member    method
     * @param signature argument signature
     * @param args      arguments
     * @return the reply
     */
    public Result call(String path, String iface, String member, String signature, Object... args) throws Exception {
        Message reply = client.call(path, iface, member, signature, args);
        assertThat(reply).as("D-Bus error from %s.%s: %s", iface, member, reply instanceof Error e ? e.getParameters()[0] : "")
                .isNotInstanceOf(Error.class);
        Object[] values = reply.getParameters();
        if (values.length == 2) {
            return new Result(null, ((UInt16) values[0]).intValue(), (String) values[1]);
        }
        return new Result(values[0], ((UInt16) values[1]).intValue(), (String) values[2]);
    }

    /**
     * Sets a property and returns the D-Bus error, if any.
     *
     * @param path  the object
     * @param iface interface with revision
     * @param name  property
     * @param value new value
     * @return null on success, else the error
     */
    public Error set(String path, String iface, String name, Variant<?> value) throws Exception {
        Message reply = client.call(path, "org.freedesktop.DBus.Properties", "Set", "ssv", iface, name, value);
        return reply instanceof Error e ? e : null;
    }

    /**
     * Reads a property.
     *
     * @param path  the object
     * @param iface interface
     * @param name  property
     * @return its value, unwrapped
     */
    public Object get(String path, String iface, String name) throws Exception {
        return client.get(path, iface, name);
    }

    /** A struct. */
    public static Object[] s(Object... members) {
        return members;
    }

    /**
     * A one-element list. ({@code List.of(struct)} would spread an {@code Object[]} struct into
     * its members.)
     */
    public static List<Object> one(Object element) {
        return java.util.Collections.singletonList(element);
    }

    /** An object path. */
    public static DBusPath o(String path) {
        return new DBusPath(path);
    }

    /** {@code (bu)} none. */
    public static Object[] noSlot() {
        return s(false, new UInt32(0));
    }

    /** {@code (bu)} explicit slot. */
    public static Object[] slot(long n) {
        return s(true, new UInt32(n));
    }

    /** {@code (bt)} none. */
    public static Object[] noU64() {
        return s(false, new UInt64(0));
    }

    /** The r9 CreatePool arguments for an unencrypted pool with default integrity. */
    public static Object[] createArgs(String name, List<String> devices) {
        return new Object[] {name, devices, List.of(), List.of(), noU64(), s(false, ""), s(false, false)};
    }

    /**
     * Records PropertiesChanged signals.
     */
    public static final class ChangeRecorder implements AutoCloseable {
        private final LinkedBlockingQueue<Properties.PropertiesChanged> queue = new LinkedBlockingQueue<>();
        private final AutoCloseable registration;

        /**
         * Starts recording.
         *
         * @param client the client
         */
        public ChangeRecorder(BusClient client) throws Exception {
            registration = client.connection().addSigHandler(Properties.PropertiesChanged.class, queue::add);
        }

        /**
         * Waits for the next signal.
         *
         * @return it
         */
        public Properties.PropertiesChanged next() throws InterruptedException {
            Properties.PropertiesChanged signal = queue.poll(10, TimeUnit.SECONDS);
            assertThat(signal).as("a PropertiesChanged signal within 10 s").isNotNull();
            return signal;
        }

        /**
         * The signals that arrived within a short wait, after the ones already taken.
         *
         * @param quietMillis how long to wait for more after the last
         * @return the signals
         */
        public List<Properties.PropertiesChanged> drain(long quietMillis) throws InterruptedException {
            List<Properties.PropertiesChanged> all = new java.util.ArrayList<>();
            for (Properties.PropertiesChanged s = queue.poll(quietMillis, TimeUnit.MILLISECONDS); s != null;
                 s = queue.poll(quietMillis, TimeUnit.MILLISECONDS)) {
                all.add(s);
            }
            return all;
        }

        @Override
        public void close() throws Exception {
            registration.close();
        }
    }
}
