package org.storage.stratisd.observability;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.storage.stratisd.dbus.BusConnection;
import org.storage.stratisd.dbus.DbusConnectionHandler;
import org.storage.stratisd.dbus.ObjectPaths;

/** The D-Bus connection: up while connected and owning {@code org.storage.stratis3}. */
public final class DbusHealthIndicator implements HealthIndicator {

    private final BusConnection bus;
    private final DbusConnectionHandler handler;

    /**
     * Creates the indicator.
     *
     * @param bus     the connection
     * @param handler owns the name while running
     */
    public DbusHealthIndicator(BusConnection bus, DbusConnectionHandler handler) {
        this.bus = bus;
        this.handler = handler;
    }

    @Override
    public Health health() {
        boolean connected = bus.isConnected();
        boolean nameOwned = connected && handler.isRunning();
        Health.Builder health = connected && nameOwned ? Health.up() : Health.down();
        return health.withDetail("connected", connected)
                .withDetail("name", ObjectPaths.BUS_NAME)
                .withDetail("nameOwned", nameOwned)
                .withDetail("inFlightCalls", handler.inFlight())
                .build();
    }
}
