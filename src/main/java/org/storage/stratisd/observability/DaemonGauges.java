package org.storage.stratisd.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.storage.stratisd.dbus.DbusConnectionHandler;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.udev.UdevChannel;

/** The daemon's gauges: channel depths, method tasks in flight, and the published objects by kind. */
public final class DaemonGauges implements MeterBinder {

    private final DbusChannel dbusChannel;
    private final UdevChannel udevChannel;
    private final DbusConnectionHandler connectionHandler;
    private final DbusTree tree;

    /**
     * Creates the binder.
     *
     * @param dbusChannel       the dbus channel
     * @param udevChannel       the udev channel
     * @param connectionHandler counts method tasks in flight
     * @param tree              the published objects
     */
    public DaemonGauges(DbusChannel dbusChannel, UdevChannel udevChannel, DbusConnectionHandler connectionHandler, DbusTree tree) {
        this.dbusChannel = dbusChannel;
        this.udevChannel = udevChannel;
        this.connectionHandler = connectionHandler;
        this.tree = tree;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("stratisd.channel.depth", dbusChannel, DbusChannel::depth).tag("channel", "dbus")
                .description("Batches of tree updates waiting for the tree handler").register(registry);
        Gauge.builder("stratisd.channel.depth", udevChannel, UdevChannel::depth).tag("channel", "udev")
                .description("udev events waiting for the udev handler").register(registry);
        Gauge.builder("stratisd.method.tasks.inflight", connectionHandler, DbusConnectionHandler::inFlight)
                .description("Method calls admitted and not yet answered").register(registry);
        for (ObjectKind kind : new ObjectKind[] {ObjectKind.POOL, ObjectKind.FILESYSTEM, ObjectKind.BLOCKDEV}) {
            Gauge.builder("stratisd.objects", tree, t -> t.count(kind))
                    .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Objects published on the bus, by kind").register(registry);
        }
    }
}
