package org.storage.stratisd.observability;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.storage.stratisd.dm.DmEventMonitor;

/** The device-mapper task: with the simulator it does not run, which is healthy and said so. */
public final class DmMonitorHealthIndicator implements HealthIndicator {

    private final DmEventMonitor monitor;

    /**
     * Creates the indicator.
     *
     * @param monitor the device-mapper task
     */
    public DmMonitorHealthIndicator(DmEventMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public Health health() {
        return Health.up().withDetail("state", monitor.state().name().toLowerCase(java.util.Locale.ROOT)).build();
    }
}
