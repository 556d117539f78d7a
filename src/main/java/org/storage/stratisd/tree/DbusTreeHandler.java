package org.storage.stratisd.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.storage.stratisd.lifecycle.TaskSupervisor;

/**
 * The DbusTreeHandler task: the only consumer of the {@link DbusChannel} and the only writer of the
 * {@link DbusTree}. For each batch it applies the updates in order, announces each through
 * {@link TreeSignals}, then completes the batch's future, so a method task that waits on that future
 * replies only after the tree and the signals show its change.
 *
 * <p>It starts before the connection handler and stops after it: by the time it stops, no method
 * task is left to send, and it drains what is still on the channel before its thread ends.
 */
public final class DbusTreeHandler implements SmartLifecycle {

    /** Starts before the connection handler and the udev handler, stops after them. */
    public static final int PHASE = 1000;
    private static final Logger log = LoggerFactory.getLogger(DbusTreeHandler.class);
    private static final String TASK = "dbus-tree-handler";

    private final DbusChannel channel;
    private final DbusTree tree;
    private final TreeSignals signals;
    private final TaskSupervisor supervisor;
    private volatile boolean running;
    private volatile Thread thread;

    /**
     * Creates the handler.
     *
     * @param channel    the dbus channel it consumes
     * @param tree       the tree it writes
     * @param signals    where changes are announced
     * @param supervisor runs its thread and reports its failure
     */
    public DbusTreeHandler(DbusChannel channel, DbusTree tree, TreeSignals signals, TaskSupervisor supervisor) {
        this.channel = channel;
        this.tree = tree;
        this.signals = signals;
        this.supervisor = supervisor;
    }

    @Override
    public void start() {
        running = true;
        thread = supervisor.start(TASK, this::run);
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drain();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Whether the handler's thread is alive (for health reporting).
     *
     * @return true while the task runs
     */
    public boolean isAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    private void run() {
        while (running) {
            DbusChannel.Batch batch;
            try {
                batch = channel.take();
            } catch (InterruptedException e) {
                return;
            }
            process(batch);
        }
    }

    /** Applies whatever is left after the thread ended, so no sender waits forever. */
    private void drain() {
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
        } catch (RuntimeException e) {
            batch.applied().completeExceptionally(e);
            supervisor.failed(TASK, e);
        }
    }

    private void apply(TreeUpdate update) {
        Optional<TreeObject> before = tree.apply(update);
        switch (update) {
            case TreeUpdate.AddObject add -> signals.interfacesAdded(add.path(), add.interfaces());
            case TreeUpdate.RemoveObject remove -> before.ifPresent(
                    old -> signals.interfacesRemoved(remove.path(), new ArrayList<>(old.interfaces().keySet())));
            case TreeUpdate.ChangeProperties change -> {
                if (before.isPresent()) {
                    signals.propertiesChanged(change.path(), change.iface(),
                            change.changed().entrySet().stream()
                                    .filter(e -> !change.invalidated().contains(e.getKey()))
                                    .collect(java.util.stream.Collectors.toMap(
                                            java.util.Map.Entry::getKey, java.util.Map.Entry::getValue,
                                            (a, b) -> b, java.util.LinkedHashMap::new)),
                            List.copyOf(change.invalidated()));
                } else {
                    log.debug("Property change for unregistered path {} ignored", change.path());
                }
            }
        }
    }
}
