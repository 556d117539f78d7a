package org.storage.stratisd.dbus.wire;

import java.util.IdentityHashMap;
import java.util.Map;
import org.freedesktop.dbus.messages.Message;

/**
 * Bounds the bytes of messages the daemon has handed to its connection and the connection has not
 * yet written. dbus-java queues outgoing messages without a bound; when the bus reads from the
 * daemon more slowly than method tasks produce replies (a flood of {@code GetManagedObjects}: the
 * bus, one thread, is then the bottleneck), the queue would grow until the heap is exhausted.
 * Instead, a sender waits until the writer has written enough of what is queued; the task then
 * holds its slot, so the admission of further tasks slows down with it. A message larger than the
 * whole budget waits until nothing else is queued and then goes alone.
 */
public final class SendBudget {

    private final long limit;
    /**
     * Guards {@link #queued} and {@link #held}. Invariant: {@code queued} is the sum of {@code held}'s
     * values, and at most {@link #limit}; a message is in {@code held} from its acquisition until
     * it is written (or its sending failed).
     */
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private long queued;
    /** Guarded by {@link #lock}: the messages budgeted and not yet written, by identity, with their charge. */
    private final Map<Message, Long> held = new IdentityHashMap<>();
    /** Guarded by {@link #lock}: once the connection is gone nothing is written, and no sender may wait. */
    private boolean closed;

    /**
     * Creates the budget.
     *
     * @param limit bytes that may be queued at once
     */
    public SendBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, not " + limit);
        }
        this.limit = limit;
    }

    /**
     * Charges a message before it is handed to the connection, waiting while the budget is spent.
     *
     * @param message the message, marshalled
     */
    public void acquire(Message message) {
        long charge = Math.min(GatheringMessageWriter.wireLength(message), limit);
        boolean interrupted = false;
        synchronized (lock) {
            while (!closed && queued + charge > limit) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (!closed) {
                queued += charge;
                held.put(message, charge);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Gives a message's charge back: it was written, or it could not be sent. Messages never
     * charged (the library's own calls to the bus) are ignored.
     *
     * @param message the message
     */
    public void release(Message message) {
        synchronized (lock) {
            Long charge = held.remove(message);
            if (charge != null) {
                queued -= charge;
                lock.notifyAll();
            }
        }
    }

    /** The connection is gone or closing: waiting senders go on, and nothing is charged any more. */
    public void close() {
        synchronized (lock) {
            closed = true;
            held.clear();
            queued = 0;
            lock.notifyAll();
        }
    }

    /** @return bytes charged and not yet written */
    public long queued() {
        synchronized (lock) {
            return queued;
        }
    }
}
