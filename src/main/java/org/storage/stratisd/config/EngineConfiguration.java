package org.storage.stratisd.config;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
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
import org.storage.stratisd.engine.strat.DeviceInventory;
import org.storage.stratisd.engine.strat.Executables;
import org.storage.stratisd.engine.strat.StratEngine;
import org.storage.stratisd.engine.strat.backstore.PoolInitializer;
import org.storage.stratisd.engine.strat.backstore.ThinMetadataSizeTool;
import org.storage.stratisd.engine.strat.crypt.PoolCrypt;
import org.storage.stratisd.engine.strat.dm.DeviceMapper;
import org.storage.stratisd.engine.strat.dm.DmException;
import org.storage.stratisd.engine.strat.identify.BlkidSignatures;
import org.storage.stratisd.engine.strat.identify.DeviceProber;
import org.storage.stratisd.engine.strat.identify.DeviceScanner;
import org.storage.stratisd.engine.strat.keys.StratKeys;
import org.storage.stratisd.engine.strat.pool.Pools;
import org.storage.stratisd.engine.strat.pool.Services;
import org.storage.stratisd.engine.strat.stack.StackExecutor;
import org.storage.stratisd.engine.strat.sys.Tools;
import org.storage.stratisd.engine.strat.sys.Uevents;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.kernel.DmIoctlDeviceMapper;
import org.storage.stratisd.kernel.KernelKeyring;
import org.storage.stratisd.kernel.PrivateNamespace;
import org.storage.stratisd.metrics.DaemonMetrics;
import org.storage.stratisd.observability.InstrumentedEngineLock;

/** The engine and its lock; for the real engine also device-mapper and the private mount namespace. */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

    /**
     * The programs the real engine needs at start-up: upstream's list, less cryptsetup, which is
     * looked for when a pool is encrypted or unlocked (with upstream's message if it is missing), so
     * a machine without it still runs unencrypted pools.
     */
    private static final List<String> REQUIRED = List.of("mkfs.xfs", "thin_check", "thin_repair", "xfs_db", "xfs_growfs");
    private static final Logger log = LoggerFactory.getLogger(EngineConfiguration.class);

    /**
     * The engine and, for the real one, what it owns and closes at shutdown.
     *
     * @param engine the engine
     * @param dm     device-mapper, for the event task; empty with the simulator
     * @param mounts the private mount namespace; empty with the simulator
     */
    record EngineRuntime(Engine engine, Optional<DeviceMapper> dm, Optional<PrivateNamespace> mounts) implements AutoCloseable {
        @Override
        public void close() {
            mounts.ifPresent(PrivateNamespace::close);
            dm.filter(DmIoctlDeviceMapper.class::isInstance).map(DmIoctlDeviceMapper.class::cast).ifPresent(DmIoctlDeviceMapper::close);
        }
    }

    @Bean(destroyMethod = "close")
    EngineRuntime engineRuntime(StratisdProperties properties) throws IOException {
        if (properties.engine() == EngineKind.SIM) {
            log.info("Using SimEngine");
            return new EngineRuntime(new SimEngine(Clock.systemUTC(), properties.sim().operationDelay(),
                    properties.sim().filesystemCreationDelay(), properties.sim().capacity()), Optional.empty(), Optional.empty());
        }
        log.info("Using StratEngine");
        // As upstream: the executables are checked first (its message when one is missing), then
        // device-mapper is opened.
        Executables executables = new Executables(properties.real().executablePath());
        REQUIRED.forEach(executables::find);
        String blkid = executables.find(properties.real().blkid()).toString();
        String thinMetadataSize = executables.find(properties.real().thinMetadataSize()).toString();
        DmIoctlDeviceMapper dm;
        try {
            dm = DmIoctlDeviceMapper.open();
        } catch (DmException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        PrivateNamespace mounts = null;
        try {
            Path sys = Path.of("/sys");
            Path proc = Path.of("/proc");
            DeviceProber prober = new DeviceProber(new BlkidSignatures(blkid), sys, proc);
            ThinMetadataSizeTool thinMeta = new ThinMetadataSizeTool(thinMetadataSize);
            PoolInitializer initializer = new PoolInitializer(prober, thinMeta, Clock.systemUTC(), UUID::randomUUID, new SecureRandom());
            mounts = PrivateNamespace.create();
            Tools tools = new Tools(executables::find);
            StratKeys keys = new StratKeys(new KernelKeyring());
            Services services = new Services(dm, new StackExecutor(dm), mounts, tools, thinMeta,
                    new Uevents(sys), Clock.systemUTC(), new SecureRandom(), new PoolCrypt(tools, keys));
            StratEngine engine = new StratEngine(new DeviceInventory(prober, new DeviceScanner(sys, Path.of("/dev"))),
                    new Pools(services, initializer), keys);
            long start = System.nanoTime();
            List<PoolView> started = engine.start();
            log.info("Initial scan: {} pool(s) set up, {} found but not running, in {} ms", started.size(), engine.plans().size(),
                    (System.nanoTime() - start) / 1_000_000);
            return new EngineRuntime(engine, Optional.of(dm), Optional.of(mounts));
        } catch (IOException | RuntimeException e) {
            if (mounts != null) {
                mounts.close();
            }
            dm.close();
            throw e;
        }
    }

    @Bean
    Engine engine(EngineRuntime runtime) {
        return runtime.engine();
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
