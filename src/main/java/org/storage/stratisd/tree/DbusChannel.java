package org.storage.stratisd.tree;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The dbus channel: an unbounded multi-producer, single-consumer queue of tree updates. Producers
 * are the method tasks and the udev handler; the single consumer is the {@link DbusTreeHandler}.
 *
 * <p>Sending never blocks and never drops: the queue has no capacity bound (other limits of the
 * machine come first, as the seed accepts). A batch is the updates of one engine action, applied in
 * order; its future completes once the tree shows all of them and their signals were handed to the
 * bus, which is what lets a method task reply only after its client can read its own writes.
 * Batches from one producer are applied in the order it sent them (FIFO queue).
 */
public final class DbusChannel {

    /** Unbounded; {@code offer} on it always succeeds without blocking. */
    private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();

    /**
     * Places a batch of updates on the channel.
     *
     * @param updates the updates of one engine action, in the order they are to be applied
     * @return completes when the tree handler has applied the whole batch
     */
    public CompletableFuture<Void> send(List<TreeUpdate> updates) {
        Batch batch = new Batch(List.copyOf(updates), new CompletableFuture<>(), System.nanoTime());
        queue.offer(batch);
        return batch.applied();
    }

    /**
     * Takes the oldest batch, waiting for one. Only the tree handler calls this.
     *
     * @return the batch
     * @throws InterruptedException if interrupted while waiting
     */
    Batch take() throws InterruptedException {
        return queue.take();
    }

    /**
     * Takes the oldest batch if there is one. Only the tree handler calls this.
     *
     * @return the batch, or {@code null} if the channel is empty
     */
    Batch poll() {
        return queue.poll();
    }

    /**
     * The number of batches waiting.
     *
     * @return the depth, for metrics and health
     */
    public int depth() {
        return queue.size();
    }

    /**
     * Updates of one engine action and the future that tells their sender they were applied.
     *
     * @param updates the updates
     * @param applied completed by the tree handler
     * @param sent    {@link System#nanoTime()} when it was sent
     */
    record Batch(List<TreeUpdate> updates, CompletableFuture<Void> applied, long sent) {
    }
}
