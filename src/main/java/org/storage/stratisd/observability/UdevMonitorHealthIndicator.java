package org.storage.stratisd.observability;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.storage.stratisd.udev.UdevMonitor;

/** The udev task: up while its thread runs and it has polled within ten poll timeouts. */
public final class UdevMonitorHealthIndicator implements HealthIndicator {

    private final UdevMonitor monitor;
    private final Duration pollTimeout;

    /**
     * Creates the indicator.
     *
     * @param monitor     the udev task
     * @param pollTimeout its poll timeout
     */
    public UdevMonitorHealthIndicator(UdevMonitor monitor, Duration pollTimeout) {
        this.monitor = monitor;
        this.pollTimeout = pollTimeout;
    }

    @Override
    public Health health() {
        long last = monitor.lastPollNanos();
        Duration sinceLastPoll = last == 0 ? null : Duration.ofNanos(System.nanoTime() - last);
        boolean recent = sinceLastPoll != null && sinceLastPoll.compareTo(pollTimeout.multipliedBy(10)) <= 0;
        Health.Builder health = monitor.isAlive() && recent ? Health.up() : Health.down();
        return health.withDetail("threadAlive", monitor.isAlive())
                .withDetail("lastPollAgoMillis", sinceLastPoll == null ? -1 : sinceLastPoll.toMillis())
                .build();
    }
}
