package org.storage.stratisd.observability;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.storage.stratisd.dbus.DbusConnectionHandler;
import org.storage.stratisd.dm.DmEventMonitor;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.udev.UdevChannel;

/**
 * The daemon's gauges: channel depths, method tasks in flight, the published objects by kind, the
 * health of each part and readiness as numbers (for alerts), and the device-mapper events seen.
 */
public final class DaemonGauges implements MeterBinder {

    private final DbusChannel dbusChannel;
    private final UdevChannel udevChannel;
    private final DbusConnectionHandler connectionHandler;
    private final DbusTree tree;
    private final Map<String, HealthIndicator> parts;
    private final BooleanSupplier ready;
    private final DmEventMonitor dmMonitor;

    /**
     * Creates the binder.
     *
     * @param dbusChannel       the dbus channel
     * @param udevChannel       the udev channel
     * @param connectionHandler counts method tasks in flight
     * @param tree              the published objects
     * @param parts             the health indicators of the daemon's parts, by name
     * @param ready             whether the readiness probe would answer up
     * @param dmMonitor         the device-mapper event task
     */
    public DaemonGauges(DbusChannel dbusChannel, UdevChannel udevChannel, DbusConnectionHandler connectionHandler, DbusTree tree,
                        Map<String, HealthIndicator> parts, BooleanSupplier ready, DmEventMonitor dmMonitor) {
        this.dbusChannel = dbusChannel;
        this.udevChannel = udevChannel;
        this.connectionHandler = connectionHandler;
        this.tree = tree;
        this.parts = Map.copyOf(parts);
        this.ready = ready;
        this.dmMonitor = dmMonitor;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("stratisd.channel.depth", dbusChannel, DbusChannel::depth).tag("channel", "dbus")
                .description("Batches of tree updates waiting for the tree handler").register(registry);
        Gauge.builder("stratisd.channel.depth", udevChannel, UdevChannel::depth).tag("channel", "udev")
                .description("udev events waiting for the udev handler").register(registry);
        Gauge.builder("stratisd.method.tasks.inflight", connectionHandler, DbusConnectionHandler::inFlight)
                .description("Method calls admitted and not yet answered").register(registry);
        Gauge.builder("stratisd.method.tasks.waiting", connectionHandler, DbusConnectionHandler::waiting)
                .description("Method calls admitted and waiting for one of the running slots, in their sender's queue").register(registry);
        for (ObjectKind kind : new ObjectKind[] {ObjectKind.POOL, ObjectKind.FILESYSTEM, ObjectKind.BLOCKDEV}) {
            Gauge.builder("stratisd.objects", tree, t -> t.count(kind))
                    .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Objects published on the bus, by kind").register(registry);
        }
        Gauge.builder("stratisd.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
                .description("1 while the readiness probe answers up (name owned, start-up done, not shutting down)")
                .register(registry);
        parts.forEach((name, indicator) -> Gauge.builder("stratisd.component.up", indicator, DaemonGauges::up)
                .tag("component", name).description("1 while the part's health indicator is up").register(registry));
        if (dmMonitor.state() == DmEventMonitor.State.RUNNING) {
            FunctionCounter.builder("stratisd.dm.events", dmMonitor, DmEventMonitor::events)
                    .description("Device-mapper events received by the event task").register(registry);
        }
    }

    private static double up(HealthIndicator indicator) {
        Health health = indicator.health(false);
        return health != null && Status.UP.equals(health.getStatus()) ? 1 : 0;
    }
}
