package org.storage.stratisd.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Runs the daemon's long-lived tasks on named platform threads and turns a task that throws into a
 * {@link TaskFailed} event: the error behaviour of the seed (a failing task stops the daemon through
 * the same orderly path as SIGINT, with exit status 1).
 */
public final class TaskSupervisor {

    private static final Logger log = LoggerFactory.getLogger(TaskSupervisor.class);

    private final ApplicationEventPublisher events;

    /**
     * Creates the supervisor.
     *
     * @param events where {@link TaskFailed} is published
     */
    public TaskSupervisor(ApplicationEventPublisher events) {
        this.events = events;
    }

    /**
     * Starts a long-lived task on its own platform thread.
     *
     * @param name the thread and task name
     * @param body the task; returning ends it normally, throwing ends it with a failure
     * @return the started thread
     */
    public Thread start(String name, Runnable body) {
        Thread thread = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failed(name, t);
            }
        });
        thread.start();
        return thread;
    }

    /**
     * Reports that a task failed.
     *
     * @param task  the task's name
     * @param cause the failure
     */
    public void failed(String task, Throwable cause) {
        log.error("Task {} failed; shutting down", task, cause);
        events.publishEvent(new TaskFailed(task, cause));
    }
}
