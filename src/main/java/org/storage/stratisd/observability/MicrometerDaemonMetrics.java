package org.storage.stratisd.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the daemon's reports as Micrometer meters, named {@code stratisd.*} (in Prometheus
 * {@code stratisd_*}); see {@code docs/metrics.md}. Timers publish histograms so that Prometheus can
 * compute percentiles across instances.
 */
public final class MicrometerDaemonMetrics implements DaemonMetrics {

    private final MeterRegistry registry;
    private final Timer treeUpdate;
    private final Timer udevEvents;

    /**
     * Creates the publisher.
     *
     * @param registry where meters are registered
     */
    public MicrometerDaemonMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.treeUpdate = Timer.builder("stratisd.tree.update.latency")
                .description("Time from an engine change being posted on the dbus channel to the tree showing it")
                .publishPercentileHistogram()
                .register(registry);
        this.udevEvents = Timer.builder("stratisd.udev.event.handling")
                .description("Time to let the engine process a batch of udev events and publish its results")
                .publishPercentileHistogram()
                .register(registry);
    }

    @Override
    public void methodCall(String iface, String member, String outcome, long nanos) {
        Timer.builder("stratisd.method.calls")
                .description("D-Bus method calls answered, by interface, method and outcome")
                .tags("interface", iface, "method", member, "outcome", outcome)
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void lock(String lock, String mode, long waitNanos, long holdNanos) {
        Timer.builder("stratisd.lock.wait")
                .description("Time a lock request waited before it was granted")
                .tags("lock", lock, "mode", mode)
                .publishPercentileHistogram()
                .register(registry)
                .record(waitNanos, TimeUnit.NANOSECONDS);
        Timer.builder("stratisd.lock.hold")
                .description("Time a lock was held")
                .tags("lock", lock, "mode", mode)
                .publishPercentileHistogram()
                .register(registry)
                .record(holdNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void treeUpdateApplied(long nanosSinceSent) {
        treeUpdate.record(nanosSinceSent, TimeUnit.NANOSECONDS);
    }

    @Override
    public void udevEventsHandled(int events, long nanos) {
        udevEvents.record(nanos, TimeUnit.NANOSECONDS);
    }
}
