package org.storage.stratisd.engine.strat.backstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSave.Range;
import org.storage.stratisd.engine.strat.serde.PoolSave.Segment;

/**
 * The data tier of a running pool (real-engine spec §2.2): its block devices in the order they
 * joined, and the list of segments allocated from them, which is the table of
 * {@code physical-originsub}, in order.
 *
 * <p>Mutable, owned by its pool: changed only under that pool's write lock.
 */
public final class DataTier {

    private final List<Blockdev> devices = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();
    private final Optional<PoolSave.IntegritySpec> integritySpec;

    /**
     * Creates the tier.
     *
     * @param devices       its devices, in allocation order
     * @param segments      the segments allocated so far, in order
     * @param integritySpec V2 integrity settings, if any
     */
    public DataTier(List<Blockdev> devices, List<Segment> segments, Optional<PoolSave.IntegritySpec> integritySpec) {
        this.devices.addAll(devices);
        this.segments.addAll(segments);
        this.integritySpec = integritySpec;
    }

    /** @return the devices, in allocation order */
    public List<Blockdev> devices() {
        return List.copyOf(devices);
    }

    /** @return the segments, in the order of the originsub table */
    public List<Segment> segments() {
        return List.copyOf(segments);
    }

    /** @return V2 integrity settings */
    public Optional<PoolSave.IntegritySpec> integritySpec() {
        return integritySpec;
    }

    /**
     * A device by UUID.
     *
     * @param uuid the device UUID
     * @return the device, if it is in this tier
     */
    public Optional<Blockdev> device(UUID uuid) {
        return devices.stream().filter(d -> d.uuid().equals(uuid)).findFirst();
    }

    /**
     * Adds devices at the end of the allocation order.
     *
     * @param added the new devices
     */
    public void add(List<Blockdev> added) {
        devices.addAll(added);
    }

    /**
     * Takes devices out again that were added but are not used yet (an addition whose metadata
     * could not be written).
     *
     * @param unused the devices
     * @throws IllegalStateException if a segment lies on one of them
     */
    public void remove(List<Blockdev> unused) {
        for (Blockdev d : unused) {
            if (segments.stream().anyMatch(s -> s.parent().equals(d.uuid()))) {
                throw new IllegalStateException("device " + d.uuid() + " holds segments of the data tier");
            }
        }
        devices.removeAll(unused);
    }

    /** @return sectors on all devices */
    public long size() {
        return devices.stream().mapToLong(Blockdev::sizeSectors).sum();
    }

    /** @return sectors Stratis keeps on all devices: BDAs and integrity reservations */
    public long metadataSize() {
        return devices.stream().mapToLong(Blockdev::metadataSectors).sum();
    }

    /** @return sectors allocated to segments */
    public long allocated() {
        return segments.stream().mapToLong(Segment::length).sum();
    }

    /** @return sectors free on all devices */
    public long available() {
        return devices.stream().mapToLong(d -> d.allocator().available()).sum();
    }

    /**
     * Allocates each request in turn: from the devices in order, front first, each taking what it
     * can; the pieces are appended to the segment list, a piece merging into the last segment when
     * it continues it on the same device. Nothing is allocated unless all requests fit.
     *
     * @param requests sectors per request
     * @return true if allocated, false (and nothing changed) if the tier has too little space
     */
    public boolean alloc(List<Long> requests) {
        long total = requests.stream().mapToLong(Long::longValue).sum();
        if (total > available()) {
            return false;
        }
        for (long request : requests) {
            long need = request;
            for (Blockdev device : devices) {
                if (need == 0) {
                    break;
                }
                for (Range piece : device.allocator().allocFront(need)) {
                    append(new Segment(device.uuid(), piece.start(), piece.length()));
                    need -= piece.length();
                }
            }
        }
        return true;
    }

    /**
     * Gives back what allocations made since an earlier segment list took: the growth of its last
     * segment and every segment after it (allocation only ever appends, see {@link #alloc}).
     *
     * @param earlier the segment list as it was, a prefix of today's up to its last segment's length
     */
    void rollback(List<Segment> earlier) {
        if (earlier.size() > segments.size()) {
            throw new IllegalArgumentException("the earlier segment list is longer than today's");
        }
        for (int i = Math.max(0, earlier.size() - 1); i < segments.size(); i++) {
            Segment now = segments.get(i);
            long keep = i < earlier.size() ? earlier.get(i).length() : 0;
            if (now.length() > keep) {
                deviceOf(now).allocator().release(new Range(now.start() + keep, now.length() - keep));
            }
        }
        segments.clear();
        segments.addAll(earlier);
    }

    private Blockdev deviceOf(Segment segment) {
        return device(segment.parent())
                .orElseThrow(() -> new IllegalStateException("segment on device " + segment.parent() + ", which is not in the tier"));
    }

    private void append(Segment piece) {
        if (!segments.isEmpty()) {
            Segment last = segments.getLast();
            if (last.parent().equals(piece.parent()) && last.start() + last.length() == piece.start()) {
                segments.set(segments.size() - 1, new Segment(last.parent(), last.start(), last.length() + piece.length()));
                return;
            }
        }
        segments.add(piece);
    }

    /**
     * The tier as the pool metadata records it.
     *
     * @return its {@code data_tier} object
     */
    public PoolSave.DataTier save() {
        return new PoolSave.DataTier(new PoolSave.BlockDevMgr(List.of(segments()), devices.stream().map(Blockdev::save).toList()),
                integritySpec);
    }
}
