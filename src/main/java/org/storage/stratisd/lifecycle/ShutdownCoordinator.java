package org.storage.stratisd.lifecycle;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;

/**
 * Decides when the daemon stops and with which exit status. The main thread waits in
 * {@link #awaitStopRequest()}; a {@link ShutdownRequested} (status 0) or a {@link TaskFailed}
 * (status 1) releases it, after which it closes the application context, which stops every task
 * in phase order, and exits with {@link #exitStatus()}.
 *
 * <p>Concurrency: events arrive on any thread (signal thread, task threads). The latch releases the
 * main thread once; the status only ever moves from 0 to 1, so a failure during an orderly
 * shutdown still yields 1.
 */
public final class ShutdownCoordinator {

    private static final Logger log = LoggerFactory.getLogger(ShutdownCoordinator.class);

    private final ShouldExit shouldExit;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicInteger exitStatus = new AtomicInteger();

    /**
     * Creates the coordinator.
     *
     * @param shouldExit set as soon as shutdown begins
     */
    public ShutdownCoordinator(ShouldExit shouldExit) {
        this.shouldExit = shouldExit;
    }

    /**
     * Begins an orderly shutdown with status 0.
     *
     * @param event what asked for it
     */
    @EventListener
    public void onShutdownRequested(ShutdownRequested event) {
        if (stopRequested.getCount() == 0) {
            log.info("{} received; shutdown already in progress", event.reason());
            return;
        }
        begin();
        log.info("{} received; shutting down", event.reason());
    }

    /**
     * Begins an orderly shutdown with status 1.
     *
     * @param event the failed task
     */
    @EventListener
    public void onTaskFailed(TaskFailed event) {
        exitStatus.set(1);
        begin();
    }

    /**
     * Blocks until shutdown was requested or a task failed.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /**
     * The status the process exits with: 0 after an orderly stop, 1 after any task failure.
     *
     * @return the exit status
     */
    public int exitStatus() {
        return exitStatus.get();
    }

    private void begin() {
        shouldExit.set();
        stopRequested.countDown();
    }
}
