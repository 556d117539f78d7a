package org.storage.stratisd.dbus;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides when an admitted method task runs: at most {@code limit} at once (the seed's bound of
 * 512 blocking tasks), each on its own virtual thread. A task beyond the bound waits, as a queued
 * value rather than a parked thread, and is never dropped.
 *
 * <p>{@link Order#PER_SENDER} (the default): each sender's waiting tasks queue apart, and a freed
 * slot goes to the next sender in round-robin order. A sender that floods the daemon with calls
 * (anyone may call {@code GetManagedObjects}) then delays another sender's call by at most one
 * task per sender waiting, not by its whole flood. Within one sender, tasks start in arrival
 * order. {@link Order#ARRIVAL} keeps one queue for all, for comparison.
 */
public final class MethodAdmission {

    /** How waiting tasks are ordered. */
    public enum Order {
        /** A queue per sender, served round-robin. */
        PER_SENDER,
        /** One queue, in arrival order. */
        ARRIVAL
    }

    /** A task that waits for a slot, with the name its thread will have. */
    private record Waiting(String threadName, Runnable task) {
    }

    private final int limit;
    private final Order order;
    /**
     * Guards {@link #running} and {@link #waiting}. Invariants: {@code running <= limit}; a task
     * waits only while {@code running == limit} (so a freed slot always goes to a waiting task if
     * there is one); a sender is in {@link #waiting} only while it has a task waiting.
     */
    private final Object lock = new Object();
    /** Guarded by {@link #lock}: tasks started and not finished. */
    private int running;
    /** Guarded by {@link #lock}: waiting tasks by sender, senders in the order they are served next. */
    private final LinkedHashMap<String, ArrayDeque<Waiting>> waiting = new LinkedHashMap<>();
    /** Guarded by {@link #lock}: the number of tasks in {@link #waiting}. */
    private int waitingCount;

    /**
     * Creates the admission.
     *
     * @param limit at most this many tasks run at once
     * @param order how waiting tasks are ordered
     */
    public MethodAdmission(int limit, Order order) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        this.limit = limit;
        this.order = order;
    }

    /**
     * Runs a task now if a slot is free, else when its turn comes.
     *
     * @param sender     who called (the unique bus name); the key of its queue
     * @param threadName the name of the task's thread
     * @param task       the task; it must not throw (the handler's tasks reply and report themselves)
     */
    void submit(String sender, String threadName, Runnable task) {
        Waiting w = new Waiting(threadName, task);
        synchronized (lock) {
            if (running == limit) {
                waiting.computeIfAbsent(order == Order.PER_SENDER ? sender : "", s -> new ArrayDeque<>()).add(w);
                waitingCount++;
                return;
            }
            running++;
        }
        start(w);
    }

    /** @return tasks waiting for a slot */
    int waiting() {
        synchronized (lock) {
            return waitingCount;
        }
    }

    /** @return tasks running */
    int running() {
        synchronized (lock) {
            return running;
        }
    }

    private void start(Waiting w) {
        Thread.ofVirtual().name(w.threadName()).start(() -> {
            try {
                w.task().run();
            } finally {
                finished();
            }
        });
    }

    /** A task finished: its slot passes to the next waiting task, if any. */
    private void finished() {
        Waiting next;
        synchronized (lock) {
            next = next();
            if (next == null) {
                running--;
                return;
            }
        }
        start(next);
    }

    /** Guarded by {@link #lock}: the first sender's oldest task; that sender moves to the back if it has more. */
    private Waiting next() {
        Iterator<Map.Entry<String, ArrayDeque<Waiting>>> senders = waiting.entrySet().iterator();
        if (!senders.hasNext()) {
            return null;
        }
        Map.Entry<String, ArrayDeque<Waiting>> first = senders.next();
        Waiting task = first.getValue().poll();
        senders.remove();
        if (!first.getValue().isEmpty()) {
            waiting.put(first.getKey(), first.getValue());
        }
        waitingCount--;
        return task;
    }
}
