package org.storage.stratisd.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.dbus.api.blockdev.BlockdevInterfaces;
import org.storage.stratisd.dbus.api.filesystem.FilesystemInterfaces;
import org.storage.stratisd.dbus.api.manager.ManagerInterfaces;
import org.storage.stratisd.dbus.api.pool.PoolInterfaces;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.dbus.publish.ObjectRegistry;
import org.storage.stratisd.dbus.publish.PublishedStorage;
import org.storage.stratisd.dbus.publish.TreePublisher;
import org.storage.stratisd.engine.CreatePoolAction;
import org.storage.stratisd.engine.CreatePoolRequest;
import org.storage.stratisd.engine.EncryptionRequest;
import org.storage.stratisd.engine.FilesystemSpec;
import org.storage.stratisd.engine.PoolId;
import org.storage.stratisd.engine.sim.SimCapacity;
import org.storage.stratisd.engine.sim.SimEngine;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.PoolView;

/**
 * The storage metrics over a simulator and the real publisher: the series follow pools and
 * filesystems as they come, change and go (no stale series), and scrapes stay consistent while
 * many threads publish at once.
 */
class StorageMetersTest {

    private static final BigInteger GIB = BigInteger.ONE.shiftLeft(30);

    private final SimEngine engine = new SimEngine(Clock.systemUTC(), Duration.ZERO, Duration.ZERO, SimCapacity.DEVICES);
    private final PublishedStorage storage = new PublishedStorage();
    private final TreePublisher publisher = new TreePublisher(new ObjectPaths(), new ObjectRegistry(), ManagerInterfaces.schema(),
            PoolInterfaces.published(), FilesystemInterfaces.published(), BlockdevInterfaces.published(), storage);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private UUID pool(String name, String... devices) throws Exception {
        var created = (CreatePoolAction.Created) engine.createPool(new CreatePoolRequest(name, List.of(devices),
                EncryptionRequest.NONE, Optional.empty(), Optional.empty(), Optional.empty()));
        publish(created.pool().uuid());
        return created.pool().uuid();
    }

    private void publish(UUID pool) {
        publisher.syncPool(pool, engine.pool(pool), Set.of());
    }

    private void publishStopped() {
        var stopped = engine.stoppedPools();
        publisher.refreshRoot(ManagerInterfaces.values(engine.version(), stopped), stopped, Set.of());
    }

    private UUID filesystem(UUID pool, String name, BigInteger size) throws Exception {
        FilesystemView fs = engine.createFilesystems(pool, List.of(new FilesystemSpec(name, Optional.of(size), Optional.empty()))).getFirst();
        publish(pool);
        return fs.uuid();
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static long lines(String scrape, String prefix) {
        return scrape.lines().filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void seriesFollowPoolsAndFilesystemsAndLeaveNothingStale() throws Exception {
        try (StorageMeters meters = new StorageMeters(storage, engine, Duration.ofHours(1))) {
            meters.bindTo(registry);
            UUID p = pool("tank", "/dev/a", "/dev/b");
            UUID f = filesystem(p, "data", GIB.shiftLeft(1));
            meters.refresh();
            String id = "pool_name=\"tank\",pool_uuid=\"" + p.toString().replace("-", "") + "\"";
            String scrape = registry.scrape();
            assertThat(value(scrape, "stratisd_pool_physical_size_bytes{" + id + "}")).isEqualTo(2.0 * (1L << 30));
            assertThat(value(scrape, "stratisd_pool_physical_used_bytes{" + id + "}")).isEqualTo(1L << 30);
            assertThat(value(scrape, "stratisd_pool_logical_size_bytes{" + id + "}")).isEqualTo(2.0 * (1L << 30));
            assertThat(value(scrape, "stratisd_pool_filesystems{" + id + "}")).isEqualTo(1);
            assertThat(value(scrape, "stratisd_pool_thin_data_size_bytes{" + id + "}")).isEqualTo(2.0 * (1L << 30));
            assertThat(value(scrape, "stratisd_pool_state{" + id + ",state=\"running\"}")).isEqualTo(1);
            assertThat(value(scrape, "stratisd_pools{state=\"running\"}")).isEqualTo(1);
            assertThat(lines(scrape, "stratisd_filesystem_used_bytes{filesystem_name=\"data\"")).isEqualTo(1);

            engine.renamePool(p, "renamed");
            engine.renameFilesystem(p, f, "moved");
            publish(p);
            meters.refresh();
            scrape = registry.scrape();
            assertThat(scrape).doesNotContain("pool_name=\"tank\"").doesNotContain("filesystem_name=\"data\"")
                    .contains("filesystem_name=\"moved\"");

            engine.stopPool(new PoolId.ByUuid(p));
            publish(p);
            publishStopped();
            meters.refresh();
            scrape = registry.scrape();
            assertThat(lines(scrape, "stratisd_pool_physical_size_bytes{")).isZero();
            assertThat(lines(scrape, "stratisd_pool_thin_")).isZero();
            assertThat(lines(scrape, "stratisd_filesystem_")).isZero();
            assertThat(value(scrape, "stratisd_pools{state=\"stopped\"}")).isEqualTo(1);
            assertThat(value(scrape, "stratisd_pools{state=\"running\"}")).isZero();
            assertThat(scrape).contains("stratisd_pool_state{pool_name=\"renamed\"").contains("state=\"stopped\"");
        }
    }

    @Test
    void upstreamCapacityReportsNoThinUsage() throws Exception {
        SimEngine upstream = new SimEngine(Clock.systemUTC(), Duration.ZERO);
        try (StorageMeters meters = new StorageMeters(storage, upstream, Duration.ofHours(1))) {
            meters.bindTo(registry);
            var created = (CreatePoolAction.Created) upstream.createPool(new CreatePoolRequest("p", List.of("/dev/x"),
                    EncryptionRequest.NONE, Optional.empty(), Optional.empty(), Optional.empty()));
            publisher.syncPool(created.pool().uuid(), Optional.of(created.pool()), Set.of());
            meters.refresh();
            String scrape = registry.scrape();
            assertThat(lines(scrape, "stratisd_pool_physical_size_bytes{")).isEqualTo(1);
            assertThat(lines(scrape, "stratisd_pool_thin_")).isZero();
        }
    }

    /**
     * Eight publishers, each the one writer of its own pool (as a pool's write lock makes it),
     * create, rename and destroy filesystems while the refresher runs every millisecond and two
     * threads scrape; no scrape fails or shows a filesystem of a pool it does not belong to, and
     * the final scrape matches the final state exactly.
     */
    @RepeatedTest(5)
    void scrapesStayConsistentWhileManyThreadsPublish() throws Exception {
        try (StorageMeters meters = new StorageMeters(storage, engine, Duration.ofMillis(1))) {
            meters.bindTo(registry);
            List<UUID> pools = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                pools.add(pool("p" + i, "/dev/p" + i + "a", "/dev/p" + i + "b"));
            }
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean publishing = new AtomicBoolean(true);
            CountDownLatch done = new CountDownLatch(pools.size());
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < pools.size(); i++) {
                UUID p = pools.get(i);
                int n = i;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int round = 0; round < 16; round++) {
                            UUID f = filesystem(p, "f" + n + "-" + round, GIB.shiftRight(1));
                            engine.renameFilesystem(p, f, "g" + n + "-" + round);
                            publish(p);
                            if (round % 2 == 0) {
                                engine.destroyFilesystems(p, Set.of(f));
                                publish(p);
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    } finally {
                        done.countDown();
                    }
                }));
            }
            Pattern fsLine = Pattern.compile("^stratisd_filesystem_size_bytes\\{filesystem_name=\"g(\\d+)-\\d+\",.*pool_name=\"p(\\d+)\"",
                    Pattern.MULTILINE);
            for (int s = 0; s < 2; s++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        while (publishing.get()) {
                            Matcher m = fsLine.matcher(registry.scrape());
                            while (m.find()) {
                                assertThat(m.group(1)).as("a filesystem under its own pool").isEqualTo(m.group(2));
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            done.await();
            publishing.set(false);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
            meters.refresh();
            String scrape = registry.scrape();
            long expected = pools.stream().mapToLong(p -> engine.pool(p).map(PoolView::filesystems).orElseThrow().size()).sum();
            assertThat(expected).isEqualTo(8 * 8);
            assertThat(lines(scrape, "stratisd_filesystem_size_bytes{")).isEqualTo(expected);
            assertThat(lines(scrape, "stratisd_filesystem_size_bytes{filesystem_name=\"f")).as("renamed away").isZero();
        }
    }
}
