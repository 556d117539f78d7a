package org.storage.stratisd.observability;

import java.util.UUID;
import java.util.function.Supplier;
import org.storage.stratisd.engine.lock.EngineLock;
import org.storage.stratisd.metrics.DaemonMetrics;

/**
 * The engine lock with its wait and hold times reported: a decorator, so the lock itself (in the
 * engine) knows nothing of metrics. Per-pool requests report as lock {@code pool}, the all mode as
 * lock {@code all}.
 */
public final class InstrumentedEngineLock implements EngineLock {

    private final EngineLock delegate;
    private final DaemonMetrics metrics;

    /**
     * Wraps a lock.
     *
     * @param delegate the lock
     * @param metrics  where times are reported
     */
    public InstrumentedEngineLock(EngineLock delegate, DaemonMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public Guard read(UUID pool) {
        return timed("pool", "read", () -> delegate.read(pool));
    }

    @Override
    public Guard write(UUID pool) {
        return timed("pool", "write", () -> delegate.write(pool));
    }

    @Override
    public Guard readAll() {
        return timed("all", "read", delegate::readAll);
    }

    @Override
    public Guard writeAll() {
        return timed("all", "write", delegate::writeAll);
    }

    private Guard timed(String lock, String mode, Supplier<Guard> acquire) {
        long requested = System.nanoTime();
        Guard guard = acquire.get();
        long granted = System.nanoTime();
        return () -> {
            guard.close();
            metrics.lock(lock, mode, granted - requested, System.nanoTime() - granted);
        };
    }
}
