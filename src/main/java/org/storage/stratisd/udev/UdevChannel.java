package org.storage.stratisd.udev;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.storage.stratisd.engine.DeviceEvent;

/**
 * The udev channel: an unbounded queue of device events from the udev monitor (its single producer)
 * to the {@link DbusUdevHandler} (its single consumer). Sending never blocks and never drops.
 */
public final class UdevChannel {

    /** Unbounded; {@code offer} always succeeds without blocking. */
    private final LinkedBlockingQueue<DeviceEvent> queue = new LinkedBlockingQueue<>();

    /**
     * Places an event on the channel.
     *
     * @param event the event
     */
    public void send(DeviceEvent event) {
        queue.offer(event);
    }

    /**
     * Waits up to {@code timeout} for at least one event, then takes it and every event queued
     * behind it.
     *
     * @param timeout  how long to wait for the first event
     * @param unit     its unit
     * @return the events, oldest first; empty if none came in time
     * @throws InterruptedException if interrupted while waiting
     */
    List<DeviceEvent> receiveBatch(long timeout, TimeUnit unit) throws InterruptedException {
        DeviceEvent first = queue.poll(timeout, unit);
        if (first == null) {
            return List.of();
        }
        List<DeviceEvent> batch = new ArrayList<>();
        batch.add(first);
        queue.drainTo(batch);
        return batch;
    }

    /**
     * The number of events waiting.
     *
     * @return the depth
     */
    public int depth() {
        return queue.size();
    }
}
