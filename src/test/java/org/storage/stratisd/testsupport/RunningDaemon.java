package org.storage.stratisd.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A private dbus-daemon with the packaged daemon on it, owning its name, and a client: the set-up
 * of the integration tests. Closing it stops all three.
 */
public final class RunningDaemon implements AutoCloseable {

    private final PrivateBus bus;
    private final BusClient client;
    private final DaemonProcess daemon;

    private RunningDaemon(PrivateBus bus, BusClient client, DaemonProcess daemon) {
        this.bus = bus;
        this.client = client;
        this.daemon = daemon;
    }

    /**
     * Starts everything on a bus with the permissive test policy.
     *
     * @param daemonArgs extra daemon arguments
     * @return the running set
     */
    public static RunningDaemon start(String... daemonArgs) throws Exception {
        return start(PrivateBus.start(), daemonArgs);
    }

    /**
     * Starts everything on a bus made from a configuration template.
     *
     * @param template      the bus configuration template
     * @param substitutions its placeholders
     * @return the running set
     */
    public static RunningDaemon start(Path template, Map<String, String> substitutions) throws Exception {
        return start(PrivateBus.start(template, substitutions));
    }

    /**
     * Starts everything on a bus made from a configuration template, with daemon arguments.
     *
     * @param template      the bus configuration template
     * @param substitutions its placeholders
     * @param daemonArgs    extra daemon arguments
     * @return the running set
     */
    public static RunningDaemon start(Path template, Map<String, String> substitutions, String... daemonArgs) throws Exception {
        return start(PrivateBus.start(template, substitutions), daemonArgs);
    }

    /** Starts the client and the daemon on the bus; if either fails, stops whatever was started. */
    private static RunningDaemon start(PrivateBus bus, String... daemonArgs) throws Exception {
        BusClient client = null;
        DaemonProcess daemon = null;
        try {
            client = new BusClient(bus.address());
            daemon = DaemonProcess.start(bus.address(), daemonArgs);
            daemon.awaitNameOwned(client, Duration.ofSeconds(30));
            return new RunningDaemon(bus, client, daemon);
        } catch (Exception | Error e) {
            if (daemon != null) {
                daemon.close();
            }
            if (client != null) {
                client.close();
            }
            bus.close();
            throw e;
        }
    }

    public PrivateBus bus() {
        return bus;
    }

    public BusClient client() {
        return client;
    }

    public DaemonProcess daemon() {
        return daemon;
    }

    @Override
    public void close() throws Exception {
        daemon.close();
        client.close();
        bus.close();
    }
}
