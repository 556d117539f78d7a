package org.storage.stratisd.lifecycle;

import org.springframework.context.SmartLifecycle;

/**
 * One of the daemon's long-lived tasks (tree handler, udev monitor, udev handler): a loop on its
 * own platform thread, started and stopped with the application context in its phase. A loop that
 * throws is reported to the {@link TaskSupervisor}, which stops the daemon with status 1.
 *
 * <p>Stop: {@link #requestStop()} tells the loop to end (each task knows how its loop notices),
 * then {@code stop} waits for the thread and runs {@link #afterStop()}. {@code running} and
 * {@code thread} are written by the lifecycle thread only and read by any (health, tests).
 */
public abstract class LongLivedTask implements SmartLifecycle {

    private final String name;
    private final int phase;
    private final TaskSupervisor supervisor;
    private volatile boolean running;
    private volatile Thread thread;

    /**
     * Creates the task.
     *
     * @param name       the task and thread name
     * @param phase      its lifecycle phase
     * @param supervisor runs the thread and reports its failure
     */
    protected LongLivedTask(String name, int phase, TaskSupervisor supervisor) {
        this.name = name;
        this.phase = phase;
        this.supervisor = supervisor;
    }

    /** The loop; returns when the task is to end, throws when it failed. */
    protected abstract void run();

    /** Makes {@link #run()} return soon; called before {@code stop} waits for the thread. */
    protected abstract void requestStop();

    /** Work after the thread ended, on the stopping thread; nothing by default. */
    protected void afterStop() {
    }

    /**
     * Reports a failure that happened outside the loop's own thread but belongs to this task.
     *
     * @param cause the failure
     */
    protected final void failed(Throwable cause) {
        supervisor.failed(name, cause);
    }

    /**
     * Whether the loop should keep going.
     *
     * @return false once stop was requested
     */
    protected final boolean isRunningFlag() {
        return running;
    }

    @Override
    public final void start() {
        running = true;
        thread = supervisor.start(name, this::run);
    }

    @Override
    public final void stop() {
        running = false;
        requestStop();
        Thread t = thread;
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        afterStop();
    }

    @Override
    public final boolean isRunning() {
        return running;
    }

    @Override
    public final int getPhase() {
        return phase;
    }

    /**
     * Whether the task's thread is alive (for health reporting).
     *
     * @return true while the loop runs
     */
    public final boolean isAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Interrupts the task's thread, for loops that block in an interruptible wait. */
    protected final void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
