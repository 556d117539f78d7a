package org.storage.stratisd.config;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.lock.EngineLock;
import org.storage.stratisd.engine.lock.EngineMutex;
import org.storage.stratisd.engine.lock.PoolLocks;
import org.storage.stratisd.engine.sim.SimEngine;
import org.storage.stratisd.engine.strat.Executables;
import org.storage.stratisd.engine.strat.StratEngine;
import org.storage.stratisd.engine.strat.backstore.PoolInitializer;
import org.storage.stratisd.engine.strat.backstore.ThinMetadataSizeTool;
import org.storage.stratisd.engine.strat.identify.BlkidSignatures;
import org.storage.stratisd.engine.strat.identify.DeviceProber;
import org.storage.stratisd.engine.strat.identify.DeviceScanner;
import org.storage.stratisd.metrics.DaemonMetrics;
import org.storage.stratisd.observability.InstrumentedEngineLock;

/** The engine and its lock. */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EngineConfiguration.class);

    @Bean
    Engine engine(StratisdProperties properties) throws IOException {
        if (properties.engine() == EngineKind.SIM) {
            log.info("Using SimEngine");
            return new SimEngine(Clock.systemUTC(), properties.sim().operationDelay(), properties.sim().filesystemCreationDelay());
        }
        log.info("Using StratEngine");
        Path sys = Path.of("/sys");
        Path proc = Path.of("/proc");
        DeviceProber prober = new DeviceProber(new BlkidSignatures(Executables.find(properties.real().blkid()).toString()), sys, proc);
        PoolInitializer initializer = new PoolInitializer(prober,
                new ThinMetadataSizeTool(Executables.find(properties.real().thinMetadataSize()).toString()), Clock.systemUTC(),
                UUID::randomUUID, new SecureRandom());
        StratEngine engine = new StratEngine(prober, initializer, new DeviceScanner(sys, Path.of("/dev")));
        long start = System.nanoTime();
        int pools = engine.scan().size();
        log.info("Initial scan: {} pool(s) found in {} ms; none is set up, since this build has no device-mapper layer",
                pools, (System.nanoTime() - start) / 1_000_000);
        return engine;
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
