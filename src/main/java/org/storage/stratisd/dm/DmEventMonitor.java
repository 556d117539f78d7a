package org.storage.stratisd.dm;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.engine.Actions.PoolCheckAction;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.lock.EngineLock;
import org.storage.stratisd.engine.strat.dm.DeviceMapper;
import org.storage.stratisd.engine.strat.dm.DmDevice;
import org.storage.stratisd.engine.strat.dm.DmException;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.lifecycle.LongLivedTask;
import org.storage.stratisd.lifecycle.TaskSupervisor;
import org.storage.stratisd.metrics.DaemonMetrics;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * The device-mapper event task (real-engine spec §7.6, §2.5). It waits on
 * {@code /dev/mapper/control}; on an event it lists the devices' event counters and checks the
 * pools whose devices changed, and on a timer (every ten seconds, as upstream) it checks every pool. Each check runs under
 * that pool's write lock only, so it never waits for, nor delays, work on other pools; what the
 * check changed is published like any other change. With the simulator there is no device-mapper:
 * the task does not run and says so ({@link State#NOT_APPLICABLE}).
 *
 * <p>The counters below are written by the task's thread and read by health and metrics.
 */
public final class DmEventMonitor extends LongLivedTask {

    /** Starts with the other event tasks. */
    public static final int PHASE = 1000;
    private static final Logger log = LoggerFactory.getLogger(DmEventMonitor.class);

    private final Optional<DeviceMapper> dm;
    private final Engine engine;
    private final EngineLock lock;
    private final DbusChannel channel;
    private final Function<PoolView, List<TreeUpdate>> publication;
    private final Duration wake;
    private final Duration timer;
    private final DaemonMetrics metrics;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong checks = new AtomicLong();
    private final AtomicLong growthActions = new AtomicLong();
    private volatile long lastWakeNanos;

    /**
     * Creates the task.
     *
     * @param dm          device-mapper, or empty with the simulator
     * @param engine      checks the pools
     * @param lock        each check holds its pool's write lock
     * @param channel     where a check's changes are posted
     * @param publication the tree updates that publish a pool's snapshot (a sync of the pool)
     * @param supervisor  runs the thread and reports its failure
     * @param wake        the longest single wait, which bounds how late the task notices shutdown
     * @param timer       how often every pool is checked, events or not (upstream: 10 s)
     * @param metrics     where each check is reported
     */
    public DmEventMonitor(Optional<DeviceMapper> dm, Engine engine, EngineLock lock, DbusChannel channel,
                          Function<PoolView, List<TreeUpdate>> publication, TaskSupervisor supervisor, Duration wake,
                          Duration timer, DaemonMetrics metrics) {
        super("dm-event-monitor", PHASE, supervisor);
        this.dm = dm;
        this.engine = engine;
        this.lock = lock;
        this.channel = channel;
        this.publication = publication;
        this.wake = wake;
        this.timer = timer;
        this.metrics = metrics;
    }

    @Override
    protected void run() {
        if (dm.isEmpty()) {
            log.info("Device-mapper event monitoring is not applicable: the simulator sets up no device-mapper devices");
            return;
        }
        log.info("Device-mapper event monitoring started: events on {}, every pool checked every {} s", "/dev/mapper/control",
                timer.toSeconds());
        long nextTimer = System.nanoTime() + timer.toNanos();
        while (isRunningFlag()) {
            lastWakeNanos = System.nanoTime();
            long untilTimer = Math.max(0, nextTimer - System.nanoTime());
            boolean event;
            try {
                event = dm.get().awaitEvent(Duration.ofNanos(Math.min(untilTimer, wake.toNanos())));
            } catch (DmException e) {
                throw new IllegalStateException("device-mapper event wait failed: " + e.getMessage(), e);
            }
            if (!isRunningFlag()) {
                return;
            }
            if (event) {
                events.incrementAndGet();
                Map<String, Long> counters = new HashMap<>();
                try {
                    for (DmDevice d : dm.get().list()) {
                        counters.put(d.name(), d.eventNr());
                    }
                } catch (DmException e) {
                    log.warn("Cannot list device-mapper devices after an event: {}", e.getMessage());
                    continue;
                }
                check(engine.poolsWithEvents(counters), "event");
            }
            if (System.nanoTime() - nextTimer >= 0) {
                check(engine.checkedPools(), "timer");
                nextTimer = System.nanoTime() + timer.toNanos();
            }
        }
    }

    private void check(Set<UUID> pools, String trigger) {
        for (UUID pool : pools) {
            if (!isRunningFlag()) {
                return;
            }
            long start = System.nanoTime();
            Optional<PoolCheckAction> result;
            try (EngineLock.Guard guard = lock.write(pool)) {
                result = engine.checkPool(pool);
                result.ifPresent(r -> {
                    List<TreeUpdate> updates = publication.apply(r.pool());
                    if (!updates.isEmpty()) {
                        channel.send(updates);
                    }
                });
            }
            checks.incrementAndGet();
            boolean changed = result.map(PoolCheckAction::changed).orElse(false);
            if (changed) {
                growthActions.incrementAndGet();
            }
            metrics.poolChecked(trigger, changed, System.nanoTime() - start);
        }
    }

    @Override
    protected void requestStop() {
        // The running flag, already cleared, is seen within one wait.
    }

    /**
     * What the task is doing.
     *
     * @return running, or not applicable with the simulator
     */
    public State state() {
        return dm.isEmpty() ? State.NOT_APPLICABLE : State.RUNNING;
    }

    /**
     * Device-mapper events received since start.
     *
     * @return the count
     */
    public long events() {
        return events.get();
    }

    /**
     * How the task is doing, for health.
     *
     * @return events seen, checks run, checks that grew something, and how long ago it last woke
     */
    public Map<String, Object> details() {
        long last = lastWakeNanos;
        return Map.of("events", events.get(), "checks", checks.get(), "growthActions", growthActions.get(),
                "lastWakeAgoMillis", last == 0 ? -1 : Duration.ofNanos(System.nanoTime() - last).toMillis());
    }

    /**
     * Whether the task woke recently enough (within ten waits), for health.
     *
     * @return true while it keeps waking
     */
    public boolean awake() {
        long last = lastWakeNanos;
        return last != 0 && System.nanoTime() - last <= 10 * Math.max(wake.toNanos(), timer.toNanos());
    }

    /** The task's state. */
    public enum State {
        RUNNING,
        NOT_APPLICABLE
    }
}
