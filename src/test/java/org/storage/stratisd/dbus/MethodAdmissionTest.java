package org.storage.stratisd.dbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The admission of method tasks: never more than the bound at once, every task run exactly once
 * under contention (many submitting threads, many senders, repeated), and per sender a flood
 * does not starve another sender's task, while in arrival order it does.
 */
class MethodAdmissionTest {

    @RepeatedTest(10)
    void underContentionEveryTaskRunsOnceAndNeverMoreThanTheBoundAtOnce() throws Exception {
        MethodAdmission admission = new MethodAdmission(8, MethodAdmission.Order.PER_SENDER);
        int threads = 16;
        int perThread = 500;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(threads * perThread);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String sender = ":1." + (t % 5);
            submitters.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < perThread; i++) {
                    admission.submit(sender, "task", () -> {
                        int now = running.incrementAndGet();
                        most.accumulateAndGet(now, Math::max);
                        Thread.onSpinWait();
                        running.decrementAndGet();
                        done.incrementAndGet();
                        finished.countDown();
                    });
                }
            }));
        }
        go.countDown();
        for (Thread t : submitters) {
            t.join();
        }
        assertThat(finished.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(done.get()).isEqualTo(threads * perThread);
        assertThat(most.get()).isBetween(1, 8);
        awaitIdle(admission);
        assertThat(admission.waiting()).isZero();
    }

    @Test
    void perSenderAnotherSendersTaskRunsAfterOneTurnOfTheFlood() throws Exception {
        assertThat(positionOfTheOtherSender(MethodAdmission.Order.PER_SENDER)).isEqualTo(1);
    }

    @Test
    void inArrivalOrderAnotherSendersTaskWaitsForTheWholeFlood() throws Exception {
        assertThat(positionOfTheOtherSender(MethodAdmission.Order.ARRIVAL)).isEqualTo(100);
    }

    /**
     * One slot, held by a task of the flooding sender; 100 more of its tasks wait, then one of
     * another sender's. Returns how many tasks ran, after the held one, before the other sender's.
     */
    private static int positionOfTheOtherSender(MethodAdmission.Order order) throws Exception {
        MethodAdmission admission = new MethodAdmission(1, order);
        CountDownLatch hold = new CountDownLatch(1);
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(102);
        admission.submit(":1.1", "held", () -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            all.countDown();
        });
        for (int i = 0; i < 100; i++) {
            admission.submit(":1.1", "flood", () -> {
                ran.add("flood");
                all.countDown();
            });
        }
        admission.submit(":1.2", "other", () -> {
            ran.add("other");
            all.countDown();
        });
        assertThat(admission.waiting()).isEqualTo(101);
        assertThat(admission.running()).isEqualTo(1);
        hold.countDown();
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(101);
        return ran.indexOf("other");
    }

    private static void awaitIdle(MethodAdmission admission) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (admission.running() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(admission.running()).isZero();
    }
}
