package org.storage.stratisd.observability;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.storage.stratisd.lifecycle.ShutdownRequested;
import org.storage.stratisd.lifecycle.TaskFailed;

/**
 * Turns readiness off the moment shutdown begins (a signal or a failed task), before the daemon
 * stops serving, so that a probe sees the daemon go away in order.
 */
public final class ReadinessOnShutdown {

    private final ApplicationEventPublisher events;

    /**
     * Creates the listener.
     *
     * @param events where the availability change is published
     */
    public ReadinessOnShutdown(ApplicationEventPublisher events) {
        this.events = events;
    }

    /**
     * A signal asked the daemon to stop.
     *
     * @param event the request
     */
    @EventListener
    public void onShutdown(ShutdownRequested event) {
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
    }

    /**
     * A task failed; the daemon stops.
     *
     * @param event the failure
     */
    @EventListener
    public void onFailure(TaskFailed event) {
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
    }
}
