package org.storage.stratisd.udev;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.DeviceEvent;
import org.storage.stratisd.engine.view.IntegritySpec;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.lifecycle.TaskSupervisor;
import org.storage.stratisd.metrics.DaemonMetrics;
import org.storage.stratisd.testsupport.NoTreeSignals;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.DbusTreeHandler;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * The udev handler hands device events to the engine in batches and publishes every pool the
 * engine reports as newly set up.
 */
class DbusUdevHandlerTest {

    /** Stands in for the engine: sets up one pool per "add" event it is shown, records each batch. */
    private static final class PoolPerAddEngine {
        final List<List<DeviceEvent>> batches = new CopyOnWriteArrayList<>();

        List<PoolView> handleDeviceEvents(List<DeviceEvent> events) {
            batches.add(events);
            return events.stream().filter(e -> e.action().equals("add"))
                    .map(e -> new PoolView(UUID.nameUUIDFromBytes(e.devnode().getBytes()), "pool-" + e.devnode().substring(5),
                            Optional.empty(), Optional.empty(), "fully_operational", false, BigInteger.ONE, BigInteger.ZERO,
                            BigInteger.ZERO, 10, true, false, 2, IntegritySpec.DEFAULT, List.of(), List.of()))
                    .toList();
        }
    }

    private final PoolPerAddEngine engine = new PoolPerAddEngine();
    private final UdevChannel udevChannel = new UdevChannel();
    private final DbusChannel dbusChannel = new DbusChannel();
    private final DbusTree tree = new DbusTree(DaemonMetrics.NONE);
    private final TaskSupervisor supervisor = new TaskSupervisor(e -> { });
    private final DbusTreeHandler treeHandler = new DbusTreeHandler(dbusChannel, tree, NoTreeSignals.INSTANCE, supervisor, DaemonMetrics.NONE);
    private final DbusUdevHandler handler = new DbusUdevHandler(udevChannel, dbusChannel, engine::handleDeviceEvents, new org.storage.stratisd.engine.lock.PoolLocks(),
            pools -> pools.stream().<TreeUpdate>map(pool -> new TreeUpdate.AddObject("/p/" + pool.name(), ObjectKind.POOL,
                    pool.uuid(), "", new LinkedHashMap<>())).toList(),
            supervisor, java.time.Duration.ofMillis(50), DaemonMetrics.NONE);

    @Test
    void poolsSetUpByEventsAppearInTheTree() {
        treeHandler.start();

        handler.handle(List.of(
                new DeviceEvent("add", "/dev/sdb", Map.of()),
                new DeviceEvent("change", "/dev/sdc", Map.of()),
                new DeviceEvent("add", "/dev/sdd", Map.of()))).join();
        treeHandler.stop();

        assertThat(engine.batches).hasSize(1);
        assertThat(engine.batches.getFirst()).hasSize(3);
        List<String> paths = tree.read(view -> List.copyOf(view.keySet()));
        assertThat(paths).containsExactly("/p/pool-sdb", "/p/pool-sdd");
    }

    @Test
    void theRunningHandlerDrainsTheUdevChannelInBatches() throws Exception {
        treeHandler.start();
        for (int i = 0; i < 50; i++) {
            udevChannel.send(new DeviceEvent("add", "/dev/d" + i, Map.of()));
        }
        handler.start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (tree.size() < 50 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        handler.stop();
        treeHandler.stop();

        assertThat(tree.size()).isEqualTo(50);
        assertThat(engine.batches.stream().mapToInt(List::size).sum()).isEqualTo(50);
        assertThat(udevChannel.depth()).isZero();
    }
}
