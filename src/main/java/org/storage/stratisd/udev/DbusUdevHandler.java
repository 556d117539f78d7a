package org.storage.stratisd.udev;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.storage.stratisd.engine.DeviceEvent;
import org.storage.stratisd.engine.lock.EngineLock;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.lifecycle.LongLivedTask;
import org.storage.stratisd.lifecycle.TaskSupervisor;
import org.storage.stratisd.metrics.DaemonMetrics;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * The DbusUdevHandler task: takes batches of device events off the {@link UdevChannel}, lets the
 * engine process them under the engine lock, and for every pool that became ready posts its
 * registration (pool, filesystems, block devices) on the dbus channel while still holding the lock.
 * It never waits on a lock while the engine is idle: it blocks only on the udev channel.
 */
public final class DbusUdevHandler extends LongLivedTask {

    /** Starts after the tree handler (it posts to it), stops before it. */
    public static final int PHASE = 1100;

    private final UdevChannel udevChannel;
    private final DbusChannel dbusChannel;
    private final Function<List<DeviceEvent>, List<PoolView>> engineEvents;
    private final EngineLock engineLock;
    private final Function<List<PoolView>, List<TreeUpdate>> publication;
    private final Duration wakeInterval;
    private final DaemonMetrics metrics;

    /**
     * Creates the handler.
     *
     * @param udevChannel  events come from here
     * @param dbusChannel  registrations go here
     * @param engineEvents the engine's handling of a batch of events (pools it set up)
     * @param engineLock   write-all is held while the engine processes and while registrations are posted
     * @param publication  the tree updates that publish what a batch changed, given the pools it set up
     * @param supervisor   runs the thread and reports its failure
     * @param wakeInterval how often the loop checks whether it should stop
     * @param metrics      where the handling time of each batch is reported
     */
    public DbusUdevHandler(UdevChannel udevChannel, DbusChannel dbusChannel,
                           Function<List<DeviceEvent>, List<PoolView>> engineEvents, EngineLock engineLock,
                           Function<List<PoolView>, List<TreeUpdate>> publication, TaskSupervisor supervisor,
                           Duration wakeInterval, DaemonMetrics metrics) {
        super("dbus-udev-handler", PHASE, supervisor);
        this.udevChannel = udevChannel;
        this.dbusChannel = dbusChannel;
        this.engineEvents = engineEvents;
        this.engineLock = engineLock;
        this.publication = publication;
        this.wakeInterval = wakeInterval;
        this.metrics = metrics;
    }

    /** The loop wakes at least every {@code wakeInterval} and then sees it should stop. */
    @Override
    protected void requestStop() {
        // The running flag, already cleared, is what the loop checks.
    }

    @Override
    protected void run() {
        while (isRunningFlag()) {
            List<DeviceEvent> batch;
            try {
                batch = udevChannel.receiveBatch(wakeInterval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (!batch.isEmpty()) {
                handle(batch);
            }
        }
    }

    /**
     * Processes one batch of events.
     *
     * @param batch the events
     * @return completes when the tree shows every pool the batch set up
     */
    CompletableFuture<Void> handle(List<DeviceEvent> batch) {
        long start = System.nanoTime();
        try (EngineLock.Guard guard = engineLock.writeAll()) {
            List<TreeUpdate> updates = publication.apply(engineEvents.apply(batch));
            return updates.isEmpty() ? CompletableFuture.completedFuture(null) : dbusChannel.send(updates);
        } finally {
            metrics.udevEventsHandled(batch.size(), System.nanoTime() - start);
        }
    }
}
