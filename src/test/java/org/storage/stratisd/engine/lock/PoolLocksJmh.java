package org.storage.stratisd.engine.lock;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * In-process benchmarks of {@link PoolLocks} (scenario 6; run by {@code JmhBench}): a pool's read
 * and write lock taken and released by one thread, and by four threads on the same pool
 * (contended) and on different pools.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PoolLocksJmh {

    private final PoolLocks locks = new PoolLocks();
    private final UUID shared = UUID.randomUUID();

    /** Each thread's own pool. */
    @State(Scope.Thread)
    public static class OwnPool {
        final UUID pool = UUID.randomUUID();
    }

    @Setup
    public void setUp() {
        try (PoolLocks.Hold hold = locks.write(shared)) {
            hold.downgrade();
        }
    }

    @Benchmark
    @Threads(1)
    public void readUncontended() {
        try (PoolLocks.Hold hold = locks.read(shared)) {
            consume(hold);
        }
    }

    @Benchmark
    @Threads(1)
    public void writeUncontended() {
        try (PoolLocks.Hold hold = locks.write(shared)) {
            consume(hold);
        }
    }

    @Benchmark
    @Threads(4)
    public void readSamePoolFourThreads() {
        try (PoolLocks.Hold hold = locks.read(shared)) {
            consume(hold);
        }
    }

    @Benchmark
    @Threads(4)
    public void writeSamePoolFourThreads() {
        try (PoolLocks.Hold hold = locks.write(shared)) {
            consume(hold);
        }
    }

    @Benchmark
    @Threads(4)
    public void writeOwnPoolFourThreads(OwnPool own) {
        try (PoolLocks.Hold hold = locks.write(own.pool)) {
            consume(hold);
        }
    }

    private static void consume(PoolLocks.Hold hold) {
        if (hold == null) {
            throw new IllegalStateException();
        }
    }
}
