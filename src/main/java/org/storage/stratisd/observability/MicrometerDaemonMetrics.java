package org.storage.stratisd.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.storage.stratisd.metrics.DaemonMetrics;

/**
 * Publishes the daemon's reports as Micrometer meters, named {@code stratisd.*} (in Prometheus
 * {@code stratisd_*}); see {@code docs/metrics.md}. Timers publish histograms so that Prometheus can
 * compute percentiles across instances.
 */
public final class MicrometerDaemonMetrics implements DaemonMetrics {

    private final Timer treeUpdate;
    private final Timer udevEvents;
    // Tagged timers are built once here; a call only looks its meter up by tags.
    private final Meter.MeterProvider<Timer> methodCalls;
    private final Meter.MeterProvider<Timer> lockWait;
    private final Meter.MeterProvider<Timer> lockHold;
    private final Meter.MeterProvider<Timer> poolChecks;

    /**
     * Creates the publisher.
     *
     * @param registry where meters are registered
     */
    public MicrometerDaemonMetrics(MeterRegistry registry) {
        this.treeUpdate = Timer.builder("stratisd.tree.update.latency")
                .description("Time from an engine change being posted on the dbus channel to the tree showing it")
                .publishPercentileHistogram()
                .register(registry);
        this.udevEvents = Timer.builder("stratisd.udev.event.handling")
                .description("Time to let the engine process a batch of udev events and publish its results")
                .publishPercentileHistogram()
                .register(registry);
        this.methodCalls = Timer.builder("stratisd.method.calls")
                .description("D-Bus method calls answered, by interface, method and outcome")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(2))
                .withRegistry(registry);
        this.lockWait = Timer.builder("stratisd.lock.wait")
                .description("Time a lock request waited before it was granted")
                .publishPercentileHistogram()
                .withRegistry(registry);
        this.lockHold = Timer.builder("stratisd.lock.hold")
                .description("Time a lock was held")
                .publishPercentileHistogram()
                .withRegistry(registry);
        this.poolChecks = Timer.builder("stratisd.dm.pool.checks")
                .description("Pool checks of the device-mapper event task, by trigger (event or timer) and whether the check"
                        + " grew a device or changed the out-of-space mode (changed true: a growth action)")
                .publishPercentileHistogram()
                .withRegistry(registry);
    }

    @Override
    public void methodCall(String iface, String member, String outcome, long nanos) {
        methodCalls.withTags("interface", iface, "method", member, "outcome", outcome).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void lock(String lock, String mode, long waitNanos, long holdNanos) {
        lockWait.withTags("lock", lock, "mode", mode).record(waitNanos, TimeUnit.NANOSECONDS);
        lockHold.withTags("lock", lock, "mode", mode).record(holdNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void treeUpdateApplied(long nanosSinceSent) {
        treeUpdate.record(nanosSinceSent, TimeUnit.NANOSECONDS);
    }

    @Override
    public void udevEventsHandled(int events, long nanos) {
        udevEvents.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void poolChecked(String trigger, boolean changed, long nanos) {
        poolChecks.withTags("trigger", trigger, "changed", Boolean.toString(changed)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
