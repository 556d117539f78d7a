package org.storage.stratisd.engine.lock;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-pool read and write locks with an "all" mode, so that work on one pool never waits for work
 * on another.
 *
 * <h2>Modes and conflicts</h2>
 * <ul>
 * <li>read(p) conflicts with write(p) and write-all;</li>
 * <li>write(p) conflicts with read(p), write(p), read-all and write-all;</li>
 * <li>read-all conflicts with any write(p) and write-all;</li>
 * <li>write-all (also "modify-all": the pool table itself) conflicts with everything.</li>
 * </ul>
 *
 * <h2>Fairness</h2>
 * <ol>
 * <li>A new request proceeds at once if it conflicts with nothing held and with no request already
 * waiting; otherwise it waits at the back of the queue. So a request never overtakes an earlier
 * conflicting one, while unrelated requests (other pools, or readers of a pool nobody writes)
 * proceed at once.</li>
 * <li>Whenever a hold ends, the queue is scanned from the front: every waiter that conflicts with no
 * holder and with no earlier waiter still queued is granted. Conflicting requests are therefore
 * granted in arrival order (FIFO).</li>
 * <li>No starvation: a waiting write-all conflicts with every later request, so all of them queue
 * behind it; it is granted as soon as the holders present when it arrived have released. The same
 * holds for a waiting write(p) against later readers of p.</li>
 * <li>{@link Hold#upgrade()} turns a read(p) into a write(p): the read is given up and a write(p)
 * request placed at the front of the queue in one step, so no other writer can slip in; it is
 * granted when the other readers of p are gone. Two holders upgrading on the same pool are served
 * one after the other; the second sees the first one's changes.</li>
 * <li>{@link Hold#downgrade()} turns a write(p) into a read(p) at once and wakes waiters that can now
 * proceed.</li>
 * </ol>
 *
 * <h2>Concurrency</h2>
 * All state ({@link #held}, {@link #waiting}) is guarded by {@link #mutex}; a waiter waits on its own
 * condition of that mutex and is signalled only when granted, so there are no lost wake-ups (the
 * grant is recorded before the signal, and the waiter re-checks it under the mutex).
 */
public final class PoolLocks implements EngineLock {

    /** Guards {@link #held} and {@link #waiting}. */
    private final ReentrantLock mutex = new ReentrantLock();
    /** Granted requests. Guarded by {@link #mutex}. */
    private final List<Request> held = new ArrayList<>();
    /** Waiting requests, oldest first. Guarded by {@link #mutex}. */
    private final LinkedList<Request> waiting = new LinkedList<>();

    /** What a request asks for. */
    enum Mode {
        READ,
        WRITE,
        READ_ALL,
        WRITE_ALL
    }

    /** One request; {@code granted} and {@code mode} are guarded by {@link #mutex}. */
    private final class Request {
        private Mode mode;
        private final UUID pool;
        private final Condition grantedSignal = mutex.newCondition();
        private boolean granted;

        private Request(Mode mode, UUID pool) {
            this.mode = mode;
            this.pool = pool;
        }

        private boolean conflictsWith(Request other) {
            return switch (mode) {
                case WRITE_ALL -> true;
                case READ_ALL -> other.mode == Mode.WRITE || other.mode == Mode.WRITE_ALL;
                case READ -> other.mode == Mode.WRITE_ALL || (other.mode == Mode.WRITE && other.pool.equals(pool));
                case WRITE -> other.mode == Mode.WRITE_ALL || other.mode == Mode.READ_ALL
                        || (other.mode != Mode.READ_ALL && other.pool != null && other.pool.equals(pool));
            };
        }
    }

    @Override
    public Hold read(UUID pool) {
        return acquire(Mode.READ, Objects.requireNonNull(pool));
    }

    @Override
    public Hold write(UUID pool) {
        return acquire(Mode.WRITE, Objects.requireNonNull(pool));
    }

    @Override
    public Hold readAll() {
        return acquire(Mode.READ_ALL, null);
    }

    @Override
    public Hold writeAll() {
        return acquire(Mode.WRITE_ALL, null);
    }

    private Hold acquire(Mode mode, UUID pool) {
        Request request = new Request(mode, pool);
        mutex.lock();
        try {
            if (conflictsWithAny(request, held) || conflictsWithAny(request, waiting)) {
                waiting.addLast(request);
                awaitGrant(request);
            } else {
                request.granted = true;
                held.add(request);
            }
        } finally {
            mutex.unlock();
        }
        return new Hold(request);
    }

    /** Waits, under the mutex, until the request is granted; an interrupt is kept, not lost. */
    private void awaitGrant(Request request) {
        boolean interrupted = false;
        while (!request.granted) {
            try {
                request.grantedSignal.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void release(Request request) {
        mutex.lock();
        try {
            if (!held.remove(request)) {
                throw new IllegalStateException("Lock released twice");
            }
            grantWaiters();
        } finally {
            mutex.unlock();
        }
    }

    /** Grants, in queue order, every waiter that conflicts with no holder and no earlier waiter. */
    private void grantWaiters() {
        List<Request> earlier = new ArrayList<>();
        Iterator<Request> it = waiting.iterator();
        while (it.hasNext()) {
            Request request = it.next();
            if (!conflictsWithAny(request, held) && !conflictsWithAny(request, earlier)) {
                it.remove();
                request.granted = true;
                held.add(request);
                request.grantedSignal.signal();
            } else {
                earlier.add(request);
            }
        }
    }

    private static boolean conflictsWithAny(Request request, List<Request> others) {
        for (Request other : others) {
            if (request.conflictsWith(other) || other.conflictsWith(request)) {
                return true;
            }
        }
        return false;
    }

    /** The number of requests waiting, for metrics and tests. */
    int waitingCount() {
        mutex.lock();
        try {
            return waiting.size();
        } finally {
            mutex.unlock();
        }
    }

    /** A granted request. */
    public final class Hold implements Guard {

        private final Request request;

        private Hold(Request request) {
            this.request = request;
        }

        /**
         * Turns this read hold on a pool into a write hold (see the class comment for the rules).
         *
         * @throws IllegalStateException if this is not a read hold on one pool
         */
        public void upgrade() {
            mutex.lock();
            try {
                if (request.mode != Mode.READ) {
                    throw new IllegalStateException("Only a read hold on one pool can be upgraded");
                }
                held.remove(request);
                request.mode = Mode.WRITE;
                request.granted = false;
                waiting.addFirst(request);
                grantWaiters();
                awaitGrant(request);
            } finally {
                mutex.unlock();
            }
        }

        /**
         * Turns this write hold on a pool into a read hold at once.
         *
         * @throws IllegalStateException if this is not a write hold on one pool
         */
        public void downgrade() {
            mutex.lock();
            try {
                if (request.mode != Mode.WRITE) {
                    throw new IllegalStateException("Only a write hold on one pool can be downgraded");
                }
                request.mode = Mode.READ;
                grantWaiters();
            } finally {
                mutex.unlock();
            }
        }

        @Override
        public void close() {
            release(request);
        }
    }
}
