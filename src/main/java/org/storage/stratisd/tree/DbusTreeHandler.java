package org.storage.stratisd.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.lifecycle.LongLivedTask;
import org.storage.stratisd.lifecycle.TaskSupervisor;
import org.storage.stratisd.metrics.DaemonMetrics;

/**
 * The DbusTreeHandler task: the only consumer of the {@link DbusChannel} and the only writer of the
 * {@link DbusTree}. For each batch it applies the updates in order, announces each through
 * {@link TreeSignals}, then completes the batch's future, so a method task that waits on that future
 * replies only after the tree and the signals show its change.
 *
 * <p>It starts before the connection handler and stops after it: by the time it stops, no method
 * task is left to send, and it drains what is still on the channel before its thread ends.
 */
public final class DbusTreeHandler extends LongLivedTask {

    /** Starts before the connection handler and the udev handler, stops after them. */
    public static final int PHASE = 1000;
    private static final Logger log = LoggerFactory.getLogger(DbusTreeHandler.class);

    private final DbusChannel channel;
    private final DbusTree tree;
    private final TreeSignals signals;
    private final DaemonMetrics metrics;

    /**
     * Creates the handler.
     *
     * @param channel    the dbus channel it consumes
     * @param tree       the tree it writes
     * @param signals    where changes are announced
     * @param supervisor runs its thread and reports its failure
     * @param metrics    where the time from an engine change to the tree showing it is reported
     */
    public DbusTreeHandler(DbusChannel channel, DbusTree tree, TreeSignals signals, TaskSupervisor supervisor,
                           DaemonMetrics metrics) {
        super("dbus-tree-handler", PHASE, supervisor);
        this.channel = channel;
        this.tree = tree;
        this.signals = signals;
        this.metrics = metrics;
    }

    @Override
    protected void run() {
        while (isRunningFlag()) {
            DbusChannel.Batch batch;
            try {
                batch = channel.take();
            } catch (InterruptedException e) {
                return;
            }
            process(batch);
        }
    }

    /** The loop blocks in {@link DbusChannel#take()}, which an interrupt ends. */
    @Override
    protected void requestStop() {
        interrupt();
    }

    /** Applies whatever is left after the thread ended, so no sender waits forever. */
    @Override
    protected void afterStop() {
        for (DbusChannel.Batch batch = channel.poll(); batch != null; batch = channel.poll()) {
            process(batch);
        }
    }

    private void process(DbusChannel.Batch batch) {
        try {
            for (TreeUpdate update : batch.updates()) {
                apply(update);
            }
            batch.applied().complete(null);
            metrics.treeUpdateApplied(System.nanoTime() - batch.sent());
        } catch (RuntimeException e) {
            batch.applied().completeExceptionally(e);
            failed(e);
        }
    }

    /** Announces each property whose value changed (or is forced), one signal per property. */
    private void announce(TreeUpdate.RefreshProperties refresh, TreeObject before) {
        for (TreeUpdate.PropertyUpdate update : refresh.properties()) {
            Map<String, Variant<?>> props = before.interfaces().get(update.iface());
            if (props == null || update.emit() == TreeUpdate.Emit.NONE) {
                continue;
            }
            if (!update.force() && VariantValues.same(props.get(update.name()), update.value())) {
                continue;
            }
            if (update.emit() == TreeUpdate.Emit.VALUE) {
                signals.propertiesChanged(refresh.path(), update.iface(), Map.of(update.name(), update.value()), List.of());
            } else {
                signals.propertiesChanged(refresh.path(), update.iface(), Map.of(), List.of(update.name()));
            }
        }
    }

    private void apply(TreeUpdate update) {
        Optional<TreeObject> before = tree.apply(update);
        switch (update) {
            case TreeUpdate.AddObject add -> signals.interfacesAdded(add.path(), add.interfaces());
            case TreeUpdate.RemoveObject remove -> before.ifPresent(
                    old -> signals.interfacesRemoved(remove.path(), new ArrayList<>(old.interfaces().keySet())));
            case TreeUpdate.RefreshProperties refresh -> {
                if (before.isEmpty()) {
                    log.debug("Property refresh for unregistered path {} ignored", refresh.path());
                    return;
                }
                announce(refresh, before.get());
            }
        }
    }
}
