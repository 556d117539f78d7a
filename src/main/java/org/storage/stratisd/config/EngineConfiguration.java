package org.storage.stratisd.config;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.lock.EngineLock;
import org.storage.stratisd.engine.lock.EngineMutex;
import org.storage.stratisd.engine.lock.PoolLocks;
import org.storage.stratisd.engine.sim.SimEngine;
import org.storage.stratisd.observability.DaemonMetrics;
import org.storage.stratisd.observability.InstrumentedEngineLock;

/** The engine and its lock. */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

    @Bean
    Engine engine(StratisdProperties properties) {
        if (properties.engine() != EngineKind.SIM) {
            throw new IllegalStateException("The real storage engine is not available in this build of stratisd-java;"
                    + " start the daemon with --sim");
        }
        return new SimEngine(Clock.systemUTC(), properties.sim().operationDelay(), properties.sim().filesystemCreationDelay());
    }

    @Bean
    EngineLock engineLock(StratisdProperties properties, DaemonMetrics metrics) {
        EngineLock lock = switch (properties.locking()) {
            case PER_POOL -> new PoolLocks();
            case ENGINE_MUTEX -> new EngineMutex();
        };
        return new InstrumentedEngineLock(lock, metrics);
    }
}
