package org.storage.stratisd.observability;

import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.storage.stratisd.dbus.BusConnection;
import org.storage.stratisd.dbus.DbusConnectionHandler;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.dm.DmEventMonitor;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.DbusTreeHandler;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.udev.UdevMonitor;

/**
 * The health of each of the daemon's parts, one indicator each. None takes an engine lock, so a
 * probe never waits behind a long operation.
 */
public final class DaemonHealth {

    private DaemonHealth() {
    }

    /**
     * The D-Bus connection: up while connected and owning {@code org.storage.stratis3}.
     *
     * @param bus     the connection
     * @param handler owns the name while running
     * @return the indicator
     */
    public static HealthIndicator dbus(BusConnection bus, DbusConnectionHandler handler) {
        return () -> {
            boolean connected = bus.isConnected();
            boolean nameOwned = connected && handler.isRunning();
            return (nameOwned ? Health.up() : Health.down()).withDetail("connected", connected)
                    .withDetail("name", ObjectPaths.BUS_NAME)
                    .withDetail("nameOwned", nameOwned)
                    .withDetail("inFlightCalls", handler.inFlight())
                    .build();
        };
    }

    /**
     * The udev task: up while its thread runs and it has polled within ten poll timeouts.
     *
     * @param monitor     the udev task
     * @param pollTimeout its poll timeout
     * @return the indicator
     */
    public static HealthIndicator udevMonitor(UdevMonitor monitor, Duration pollTimeout) {
        return () -> {
            long last = monitor.lastPollNanos();
            Duration sinceLastPoll = last == 0 ? null : Duration.ofNanos(System.nanoTime() - last);
            boolean recent = sinceLastPoll != null && sinceLastPoll.compareTo(pollTimeout.multipliedBy(10)) <= 0;
            return (monitor.isAlive() && recent ? Health.up() : Health.down()).withDetail("threadAlive", monitor.isAlive())
                    .withDetail("lastPollAgoMillis", sinceLastPoll == null ? -1 : sinceLastPoll.toMillis())
                    .build();
        };
    }

    /**
     * The device-mapper task: not applicable with the simulator; with the real engine up while its
     * thread runs and keeps waking, with the events, checks and growth actions it handled.
     *
     * @param monitor the device-mapper task
     * @return the indicator
     */
    public static HealthIndicator dmMonitor(DmEventMonitor monitor) {
        return () -> {
            boolean applicable = monitor.state() == DmEventMonitor.State.RUNNING;
            Health.Builder health = !applicable || (monitor.isAlive() && monitor.awake()) ? Health.up() : Health.down();
            health.withDetail("state", monitor.state().name().toLowerCase(Locale.ROOT));
            if (applicable) {
                health.withDetail("threadAlive", monitor.isAlive()).withDetails(monitor.details());
            }
            return health.build();
        };
    }

    /**
     * The tree handler: up while its thread runs; its backlog is the dbus channel's depth.
     *
     * @param handler the tree handler
     * @param channel the channel it consumes
     * @return the indicator
     */
    public static HealthIndicator treeHandler(DbusTreeHandler handler, DbusChannel channel) {
        return () -> (handler.isAlive() ? Health.up() : Health.down()).withDetail("threadAlive", handler.isAlive())
                .withDetail("backlog", channel.depth()).build();
    }

    /**
     * The engine: which one runs, and how many pools it has published (read from the tree).
     *
     * @param engine the engine's kind, e.g. {@code sim}
     * @param tree   the published state
     * @return the indicator
     */
    public static HealthIndicator engine(String engine, DbusTree tree) {
        return () -> Health.up().withDetail("engine", engine).withDetail("pools", tree.count(ObjectKind.POOL)).build();
    }
}
