package org.storage.stratisd.observability;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTreeHandler;

/** The tree handler: up while its thread runs; its backlog is the dbus channel's depth. */
public final class TreeHandlerHealthIndicator implements HealthIndicator {

    private final DbusTreeHandler handler;
    private final DbusChannel channel;

    /**
     * Creates the indicator.
     *
     * @param handler the tree handler
     * @param channel the channel it consumes
     */
    public TreeHandlerHealthIndicator(DbusTreeHandler handler, DbusChannel channel) {
        this.handler = handler;
        this.channel = channel;
    }

    @Override
    public Health health() {
        Health.Builder health = handler.isAlive() ? Health.up() : Health.down();
        return health.withDetail("threadAlive", handler.isAlive()).withDetail("backlog", channel.depth()).build();
    }
}
