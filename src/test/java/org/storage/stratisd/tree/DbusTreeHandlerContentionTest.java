package org.storage.stratisd.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.lifecycle.TaskFailed;
import org.storage.stratisd.lifecycle.TaskSupervisor;
import org.storage.stratisd.metrics.DaemonMetrics;

/**
 * The dbus channel and the tree handler under many concurrent producers: nothing is lost, each
 * producer's updates are applied and announced in the order it sent them, every sender's future
 * completes only once the tree shows its batch, and the final tree is exactly what the messages
 * imply.
 */
class DbusTreeHandlerContentionTest {

    private static final int PRODUCERS = 16;
    private static final int BATCHES_PER_PRODUCER = 400;

    private static final class RecordingSignals implements TreeSignals {
        final Map<String, List<String>> addedByProducer = new ConcurrentHashMap<>();
        final List<String> removed = new CopyOnWriteArrayList<>();
        final List<String> changed = new CopyOnWriteArrayList<>();

        @Override
        public void interfacesAdded(String path, SequencedMap<String, Map<String, Variant<?>>> interfaces) {
            addedByProducer.computeIfAbsent(producerOf(path), k -> new CopyOnWriteArrayList<>()).add(path);
        }

        @Override
        public void interfacesRemoved(String path, List<String> interfaces) {
            removed.add(path);
        }

        @Override
        public void propertiesChanged(String path, String iface, Map<String, Variant<?>> values, List<String> invalidated) {
            changed.add(path);
        }

        static String producerOf(String path) {
            return path.split("/")[1];
        }
    }

    private static SequencedMap<String, Map<String, Variant<?>>> props(int value) {
        SequencedMap<String, Map<String, Variant<?>>> ifaces = new LinkedHashMap<>();
        ifaces.put("test.iface", Map.of("Value", new Variant<>(value)));
        return ifaces;
    }

    @RepeatedTest(5)
    void manyProducersLoseNothingAndKeepTheirOrder() throws Exception {
        DbusChannel channel = new DbusChannel();
        DbusTree tree = new DbusTree(DaemonMetrics.NONE);
        RecordingSignals signals = new RecordingSignals();
        List<TaskFailed> failures = new CopyOnWriteArrayList<>();
        DbusTreeHandler handler = new DbusTreeHandler(channel, tree, signals,
                new TaskSupervisor(event -> failures.add((TaskFailed) event)), DaemonMetrics.NONE);
        handler.start();

        CyclicBarrier start = new CyclicBarrier(PRODUCERS);
        List<Thread> producers = new ArrayList<>();
        List<String> readYourWriteMisses = new CopyOnWriteArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < BATCHES_PER_PRODUCER; i++) {
                    String path = "/p" + producer + "/" + i;
                    List<TreeUpdate> batch = new ArrayList<>();
                    batch.add(new TreeUpdate.AddObject(path, ObjectKind.POOL, UUID.randomUUID(), "", props(0)));
                    if (i % 3 == 0) {
                        batch.add(new TreeUpdate.RefreshProperties(path, List.of(
                                new TreeUpdate.PropertyUpdate("test.iface", "Value", new Variant<>(i), TreeUpdate.Emit.VALUE, false))));
                    }
                    if (i % 5 == 0) {
                        batch.add(new TreeUpdate.RemoveObject(path));
                    }
                    CompletableFuture<Void> applied = channel.send(batch);
                    applied.join();
                    boolean present = tree.get(path).isPresent();
                    if (present == (i % 5 == 0)) {
                        readYourWriteMisses.add(path);
                    }
                }
            }));
        }
        for (Thread t : producers) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        handler.stop();

        assertThat(failures).isEmpty();
        assertThat(readYourWriteMisses).isEmpty();
        assertThat(channel.depth()).isZero();
        for (int p = 0; p < PRODUCERS; p++) {
            List<String> expectedOrder = new ArrayList<>();
            for (int i = 0; i < BATCHES_PER_PRODUCER; i++) {
                expectedOrder.add("/p" + p + "/" + i);
            }
            assertThat(signals.addedByProducer.get("p" + p)).containsExactlyElementsOf(expectedOrder);
        }
        Map<String, Integer> expectedTree = new LinkedHashMap<>();
        for (int p = 0; p < PRODUCERS; p++) {
            for (int i = 0; i < BATCHES_PER_PRODUCER; i++) {
                if (i % 5 != 0) {
                    expectedTree.put("/p" + p + "/" + i, i % 3 == 0 ? i : 0);
                }
            }
        }
        Map<String, Integer> actualTree = tree.read(view -> {
            Map<String, Integer> result = new LinkedHashMap<>();
            view.forEach((path, object) -> result.put(path, (Integer) object.interfaces().get("test.iface").get("Value").getValue()));
            return result;
        });
        assertThat(actualTree).containsExactlyInAnyOrderEntriesOf(expectedTree);
        assertThat(signals.removed).hasSize(PRODUCERS * (BATCHES_PER_PRODUCER / 5));
        // A refresh to the value already stored (i == 0) is not announced.
        assertThat(signals.changed).hasSize(PRODUCERS * ((BATCHES_PER_PRODUCER + 2) / 3 - 1));
    }

    @Test
    void stopAppliesWhatIsStillOnTheChannel() {
        DbusChannel channel = new DbusChannel();
        DbusTree tree = new DbusTree(DaemonMetrics.NONE);
        RecordingSignals signals = new RecordingSignals();
        DbusTreeHandler handler = new DbusTreeHandler(channel, tree, signals, new TaskSupervisor(event -> { }), DaemonMetrics.NONE);
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add(channel.send(List.of(new TreeUpdate.AddObject("/p0/" + i, ObjectKind.POOL, UUID.randomUUID(), "", props(i)))));
        }

        handler.stop();

        assertThat(sent).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(tree.size()).isEqualTo(100);
    }

    @Test
    void aChangeForAnUnknownPathChangesNothingAndSignalsNothing() {
        DbusChannel channel = new DbusChannel();
        DbusTree tree = new DbusTree(DaemonMetrics.NONE);
        RecordingSignals signals = new RecordingSignals();
        DbusTreeHandler handler = new DbusTreeHandler(channel, tree, signals, new TaskSupervisor(event -> { }), DaemonMetrics.NONE);
        handler.start();

        channel.send(List.of(
                new TreeUpdate.RefreshProperties("/nowhere", List.of(
                        new TreeUpdate.PropertyUpdate("test.iface", "Value", new Variant<>(1), TreeUpdate.Emit.VALUE, false))),
                new TreeUpdate.RemoveObject("/nowhere"))).join();
        handler.stop();

        assertThat(tree.size()).isZero();
        assertThat(signals.changed).isEmpty();
        assertThat(signals.removed).isEmpty();
    }
}
