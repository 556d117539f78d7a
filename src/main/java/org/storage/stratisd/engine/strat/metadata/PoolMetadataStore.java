package org.storage.stratisd.engine.strat.metadata;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.storage.stratisd.engine.strat.device.BlockAccess;
import org.storage.stratisd.engine.strat.device.FileBlockAccess;

/**
 * Writes a pool's metadata to its data devices as upstream does (real-engine spec §3.2): stamped
 * with a time strictly later than the pool's previous write, to every device when there are at
 * most ten, else to ten chosen at random; each device gets the document in its older primary
 * region and then its copy. The write succeeds if at least one device took it.
 *
 * <p>One store per pool, used under that pool's write lock.
 */
public final class PoolMetadataStore {

    /** Upstream writes to at most this many devices. */
    public static final int MAX_DEVICES = 10;

    private final Clock clock;
    private final Random random;
    private Instant last;

    /**
     * Creates the store.
     *
     * @param clock  the time source
     * @param random chooses the devices when there are more than ten
     * @param last   the time of the pool's newest metadata on disk, if any
     */
    public PoolMetadataStore(Clock clock, Random random, Instant last) {
        this.clock = clock;
        this.random = random;
        this.last = last;
    }

    /**
     * Writes a document.
     *
     * @param devices  the pool's data devices
     * @param document the serialised metadata
     * @return the time it was stamped with
     * @throws MetadataException naming each device that failed, if none took it
     */
    public Instant save(List<Path> devices, byte[] document) throws MetadataException {
        Instant now = clock.instant();
        Instant time = last != null && !now.isAfter(last) ? last.plusNanos(1) : now;
        List<Path> chosen = new ArrayList<>(devices);
        if (chosen.size() > MAX_DEVICES) {
            Collections.shuffle(chosen, random);
            chosen = chosen.subList(0, MAX_DEVICES);
        }
        List<String> failures = new ArrayList<>();
        int written = 0;
        for (Path device : chosen) {
            try (BlockAccess access = FileBlockAccess.openReadWrite(device)) {
                MetadataArea.save(access, MetadataArea.read(access), document, time);
                written++;
            } catch (IOException | MetadataException e) {
                failures.add(device + ": " + e.getMessage());
            }
        }
        if (written == 0) {
            throw new MetadataException("Failed to save metadata to even one device in pool: " + String.join("; ", failures), null);
        }
        last = time;
        return time;
    }
}
