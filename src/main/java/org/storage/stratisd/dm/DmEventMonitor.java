package org.storage.stratisd.dm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The device-mapper event task. It waits for device-mapper events only where an engine owns
 * device-mapper devices. In this build neither engine does: the simulator has none, and the real
 * engine finds and identifies pools but sets none up (it has no device-mapper layer yet). So the
 * task does not run, says so in the log, and reports {@link State#NOT_APPLICABLE} for health.
 * Waiting on {@code /dev/mapper/control} arrives with the real engine's device-mapper layer.
 */
public final class DmEventMonitor implements SmartLifecycle {

    /** Starts with the other event tasks. */
    public static final int PHASE = 1000;
    private static final Logger log = LoggerFactory.getLogger(DmEventMonitor.class);

    private volatile boolean running;

    @Override
    public void start() {
        log.info("Device-mapper event monitoring is not applicable: no engine of this build sets up device-mapper devices;"
                + " not started");
        running = true;
    }

    @Override
    public void stop() {
        running = false;
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
     * What the task is doing.
     *
     * @return always {@link State#NOT_APPLICABLE} in this build
     */
    public State state() {
        return State.NOT_APPLICABLE;
    }

    /** The task's state. */
    public enum State {
        NOT_APPLICABLE
    }
}
