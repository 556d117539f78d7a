package org.storage.stratisd.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;

/** The dbus channel alone: many producers, one consumer, no message lost, per-producer FIFO. */
class DbusChannelContentionTest {

    private static final int PRODUCERS = 32;
    private static final int MESSAGES = 2_000;

    @RepeatedTest(5)
    void deliversEveryBatchOnceInEachProducersOrder() throws Exception {
        DbusChannel channel = new DbusChannel();
        CyclicBarrier start = new CyclicBarrier(PRODUCERS + 1);
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < MESSAGES; i++) {
                    channel.send(List.of(new TreeUpdate.RemoveObject(producer + "/" + i)));
                }
            }));
        }
        start.await();
        Map<Integer, Integer> nextExpected = new HashMap<>();
        int received = 0;
        while (received < PRODUCERS * MESSAGES) {
            DbusChannel.Batch batch = channel.take();
            String[] parts = batch.updates().getFirst().path().split("/");
            int producer = Integer.parseInt(parts[0]);
            int seq = Integer.parseInt(parts[1]);
            assertThat(seq).isEqualTo(nextExpected.getOrDefault(producer, 0));
            nextExpected.put(producer, seq + 1);
            received++;
        }
        for (Thread t : producers) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(channel.poll()).isNull();
        assertThat(nextExpected).hasSize(PRODUCERS).allSatisfy((producer, next) -> assertThat(next).isEqualTo(MESSAGES));
    }
}
