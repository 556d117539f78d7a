package org.storage.stratisd.observability;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.ObjectKind;

/**
 * The engine: which one runs, and how many pools it has published. Read from the tree, so a probe
 * never waits for an engine lock held by a long operation.
 */
public final class EngineHealthIndicator implements HealthIndicator {

    private final String engine;
    private final DbusTree tree;

    /**
     * Creates the indicator.
     *
     * @param engine the engine's kind, e.g. {@code sim}
     * @param tree   the published state
     */
    public EngineHealthIndicator(String engine, DbusTree tree) {
        this.engine = engine;
        this.tree = tree;
    }

    @Override
    public Health health() {
        return Health.up().withDetail("engine", engine).withDetail("pools", tree.count(ObjectKind.POOL)).build();
    }
}
