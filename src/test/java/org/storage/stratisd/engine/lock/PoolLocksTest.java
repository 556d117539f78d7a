package org.storage.stratisd.engine.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.lock.EngineLock.Guard;

/**
 * PoolLocks under contention: many threads, many iterations, invariants checked after every
 * acquisition, and the fairness rules of the class comment checked one by one.
 */
class PoolLocksTest {

    private static final UUID A = UUID.randomUUID();
    private static final UUID B = UUID.randomUUID();

    /** Who holds what right now; every acquisition checks the rules against it. */
    private static final class Occupancy {
        final ConcurrentHashMap<UUID, AtomicInteger> readers = new ConcurrentHashMap<>();
        final ConcurrentHashMap<UUID, AtomicInteger> writers = new ConcurrentHashMap<>();
        final AtomicInteger allReaders = new AtomicInteger();
        final AtomicInteger allWriters = new AtomicInteger();
        final List<String> violations = new CopyOnWriteArrayList<>();

        int readers(UUID p) {
            return readers.computeIfAbsent(p, k -> new AtomicInteger()).get();
        }

        int writers(UUID p) {
            return writers.computeIfAbsent(p, k -> new AtomicInteger()).get();
        }

        int anyWriters() {
            return writers.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        void check(String what, boolean ok) {
            if (!ok) {
                violations.add(what);
            }
        }
    }

    @RepeatedTest(5)
    void noConflictingHoldsEverOverlapUnderRandomContention() throws Exception {
        PoolLocks locks = new PoolLocks();
        Occupancy o = new Occupancy();
        List<UUID> pools = List.of(A, B, UUID.randomUUID(), UUID.randomUUID());
        int threads = 32;
        int iterations = 400;
        pools.forEach(pp -> o.writers.computeIfAbsent(pp, k -> new AtomicInteger()));
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            workers.add(Thread.ofPlatform().start(() -> {
                Random random = new Random(seed);
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < iterations; i++) {
                    UUID p = pools.get(random.nextInt(pools.size()));
                    int kind = random.nextInt(20);
                    if (kind == 0) {
                        try (Guard g = locks.writeAll()) {
                            o.allWriters.incrementAndGet();
                            o.check("write-all alone", o.allWriters.get() == 1 && o.allReaders.get() == 0 && o.anyWriters() == 0
                                    && o.readers.values().stream().mapToInt(AtomicInteger::get).sum() == 0);
                            Thread.onSpinWait();
                            o.allWriters.decrementAndGet();
                        }
                    } else if (kind == 1) {
                        try (Guard g = locks.readAll()) {
                            o.allReaders.incrementAndGet();
                            o.check("read-all without writers", o.allWriters.get() == 0 && o.anyWriters() == 0);
                            o.allReaders.decrementAndGet();
                        }
                    } else if (kind < 10) {
                        try (Guard g = locks.write(p)) {
                            o.writers.get(p).incrementAndGet();
                            o.check("write alone on its pool", o.writers(p) == 1 && o.readers(p) == 0
                                    && o.allWriters.get() == 0 && o.allReaders.get() == 0);
                            o.writers.get(p).decrementAndGet();
                        }
                    } else {
                        try (Guard g = locks.read(p)) {
                            o.readers.computeIfAbsent(p, k -> new AtomicInteger()).incrementAndGet();
                            o.check("read without writers of its pool", o.writers(p) == 0 && o.allWriters.get() == 0);
                            o.readers.get(p).decrementAndGet();
                        }
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(w.isAlive()).as("worker finished (no lost wake-up)").isFalse();
        }
        assertThat(o.violations).isEmpty();
        assertThat(locks.waitingCount()).isZero();
    }

    @Test
    void workOnAnotherPoolProceedsWhileOnePoolIsHeld() throws Exception {
        PoolLocks locks = new PoolLocks();
        try (Guard writeA = locks.write(A)) {
            CountDownLatch gotB = new CountDownLatch(3);
            Thread.ofPlatform().start(() -> {
                try (Guard g = locks.write(B)) {
                    gotB.countDown();
                }
                try (Guard g = locks.read(B)) {
                    gotB.countDown();
                }
                try (Guard g = locks.read(UUID.randomUUID())) {
                    gotB.countDown();
                }
            });
            assertThat(gotB.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void conflictingRequestsAreGrantedInArrivalOrder() throws Exception {
        PoolLocks locks = new PoolLocks();
        List<Integer> order = new CopyOnWriteArrayList<>();
        Guard first = locks.write(A);
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            waiters.add(Thread.ofPlatform().start(() -> {
                try (Guard g = (n % 2 == 0) ? locks.write(A) : locks.read(A)) {
                    order.add(n);
                }
            }));
            awaitWaiting(locks, i + 1);
        }
        first.close();
        for (Thread t : waiters) {
            t.join(10_000);
        }
        // Readers between writers may finish in either order among themselves only when adjacent;
        // here every reader is between two writers, so the order is exactly the arrival order.
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void aNewReaderDoesNotOvertakeAQueuedWriterOfItsPool() throws Exception {
        PoolLocks locks = new PoolLocks();
        List<String> order = new CopyOnWriteArrayList<>();
        Guard reader = locks.read(A);
        Thread writer = Thread.ofPlatform().start(() -> {
            try (Guard g = locks.write(A)) {
                order.add("writer");
            }
        });
        awaitWaiting(locks, 1);
        Thread lateReader = Thread.ofPlatform().start(() -> {
            try (Guard g = locks.read(A)) {
                order.add("late reader");
            }
        });
        awaitWaiting(locks, 2);
        reader.close();
        writer.join(10_000);
        lateReader.join(10_000);
        assertThat(order).containsExactly("writer", "late reader");
    }

    @Test
    void aQueuedWriteAllIsNotStarvedByAStreamOfReaders() throws Exception {
        PoolLocks locks = new PoolLocks();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            readers.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try (Guard g = locks.read(A)) {
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        CountDownLatch granted = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().start(() -> {
            try (Guard g = locks.writeAll()) {
                granted.countDown();
            }
        });
        boolean gotIt = granted.await(10, TimeUnit.SECONDS);
        stop.set(true);
        for (Thread t : readers) {
            t.join(10_000);
        }
        writer.join(10_000);
        assertThat(gotIt).as("write-all granted while readers kept coming").isTrue();
    }

    @Test
    void upgradeWaitsForOtherReadersAndKeepsWritersOut() throws Exception {
        PoolLocks locks = new PoolLocks();
        PoolLocks.Hold mine = locks.read(A);
        Guard other = locks.read(A);
        List<String> order = new CopyOnWriteArrayList<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            try (Guard g = locks.write(A)) {
                order.add("other writer");
            }
        });
        awaitWaiting(locks, 1);
        Thread upgrader = Thread.ofPlatform().start(() -> {
            mine.upgrade();
            order.add("upgraded");
            mine.close();
        });
        awaitWaiting(locks, 2);
        other.close();
        upgrader.join(10_000);
        writer.join(10_000);
        assertThat(order).containsExactly("upgraded", "other writer");
    }

    @Test
    void downgradeLetsWaitingReadersIn() throws Exception {
        PoolLocks locks = new PoolLocks();
        PoolLocks.Hold writer = locks.write(A);
        CountDownLatch read = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().start(() -> {
            try (Guard g = locks.read(A)) {
                read.countDown();
            }
        });
        awaitWaiting(locks, 1);
        writer.downgrade();
        assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();
        writer.close();
        reader.join(10_000);
    }

    private static void awaitWaiting(PoolLocks locks, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (locks.waitingCount() < count) {
            assertThat(System.nanoTime()).as("%d waiting within 10 s", count).isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
