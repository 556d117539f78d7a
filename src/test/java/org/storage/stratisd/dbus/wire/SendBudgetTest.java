package org.storage.stratisd.dbus.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MessageFactory;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The send budget: senders wait while the queued bytes would exceed it, and go on as a writer
 * gives charges back; under contention (16 senders, one writer, repeated) the queued bytes never
 * exceed the limit and every message is written; a message larger than the budget goes alone;
 * closing lets every waiting sender go.
 */
class SendBudgetTest {

    private static Message message(int bytes) throws Exception {
        MessageFactory factory = new MessageFactory((byte) 'l');
        return factory.createSignal(null, "/x", "org.example.X", "S", "ay", new byte[bytes]);
    }

    @RepeatedTest(5)
    void underContentionTheQueuedBytesStayWithinTheLimitAndEveryMessageIsWritten() throws Exception {
        long limit = 200_000;
        SendBudget budget = new SendBudget(limit);
        BlockingQueue<Message> queue = new ArrayBlockingQueue<>(10_000);
        AtomicLong most = new AtomicLong();
        int senders = 16;
        int each = 200;
        CountDownLatch written = new CountDownLatch(senders * each);
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    Message m = queue.take();
                    most.accumulateAndGet(budget.queued(), Math::max);
                    budget.release(m);
                    written.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        Message m = message(1_000 + i * 37);
                        budget.acquire(m);
                        queue.put(m);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
        writer.interrupt();
        assertThat(most.get()).isPositive().isLessThanOrEqualTo(limit);
        assertThat(budget.queued()).isZero();
    }

    @Test
    void aSenderWaitsUntilTheWriterGivesBackAndALargeMessageGoesAlone() throws Exception {
        SendBudget budget = new SendBudget(10_000);
        Message first = message(6_000);
        budget.acquire(first);
        Message huge = message(50_000);
        CountDownLatch sent = new CountDownLatch(1);
        Thread sender = Thread.ofVirtual().start(() -> {
            budget.acquire(huge);
            sent.countDown();
        });
        assertThat(sent.await(300, TimeUnit.MILLISECONDS)).as("waits while something is queued").isFalse();
        budget.release(first);
        assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
        sender.join();
        assertThat(budget.queued()).isEqualTo(10_000);
        budget.release(huge);
        assertThat(budget.queued()).isZero();
        budget.release(message(10));
        assertThat(budget.queued()).as("a message never charged changes nothing").isZero();
    }

    @Test
    void closingLetsWaitingSendersGo() throws Exception {
        SendBudget budget = new SendBudget(1_000);
        budget.acquire(message(900));
        CountDownLatch sent = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                budget.acquire(message(900));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            sent.countDown();
        });
        assertThat(sent.await(300, TimeUnit.MILLISECONDS)).isFalse();
        budget.close();
        assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
