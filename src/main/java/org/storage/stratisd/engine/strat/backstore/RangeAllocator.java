package org.storage.stratisd.engine.strat.backstore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.storage.stratisd.engine.strat.serde.PoolSave.Range;

/**
 * The used and free sectors of one block device (real-engine spec §2.1): a set of used ranges,
 * sorted, merged when adjacent, within the device's size. Allocation takes free space from the
 * lowest address up ({@link #allocFront}) or, for V2 integrity reservations, from the highest
 * down ({@link #allocBack}).
 *
 * <p>Not thread-safe: it belongs to one pool, changed under that pool's write lock.
 */
public final class RangeAllocator {

    private long size;
    /** Used ranges, start to length; never overlapping, adjacent ones merged. */
    private final TreeMap<Long, Long> used = new TreeMap<>();

    /**
     * Creates the allocator of a device.
     *
     * @param size sectors on the device
     * @param used ranges already in use (the BDA, segments, reservations)
     * @throws IllegalArgumentException if a range overlaps another or lies beyond the device
     */
    public RangeAllocator(long size, Collection<Range> used) {
        this.size = size;
        for (Range r : used) {
            insert(r.start(), r.length());
        }
    }

    /**
     * Sectors on the device.
     *
     * @return the size
     */
    public long size() {
        return size;
    }

    /**
     * Sectors not in use.
     *
     * @return size minus every used range
     */
    public long available() {
        return size - used.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Takes up to {@code sectors} from the free ranges, lowest address first, from the start of
     * each free range.
     *
     * @param sectors how many are wanted
     * @return the pieces taken, in address order; fewer sectors than wanted if the device runs out
     */
    public List<Range> allocFront(long sectors) {
        List<Range> taken = new ArrayList<>();
        long need = sectors;
        for (Range free : free()) {
            if (need == 0) {
                break;
            }
            long take = Math.min(need, free.length());
            taken.add(new Range(free.start(), take));
            need -= take;
        }
        taken.forEach(r -> insert(r.start(), r.length()));
        return taken;
    }

    /**
     * Takes up to {@code sectors} from the free ranges, highest address first, from the end of
     * each free range.
     *
     * @param sectors how many are wanted
     * @return the pieces taken, highest first
     */
    public List<Range> allocBack(long sectors) {
        List<Range> taken = new ArrayList<>();
        long need = sectors;
        List<Range> free = free();
        for (int i = free.size() - 1; i >= 0 && need > 0; i--) {
            Range r = free.get(i);
            long take = Math.min(need, r.length());
            taken.add(new Range(r.start() + r.length() - take, take));
            need -= take;
        }
        taken.forEach(r -> insert(r.start(), r.length()));
        return taken;
    }

    /**
     * Makes the device larger; the new sectors are free.
     *
     * @param newSize the new size, not smaller than the current
     */
    public void grow(long newSize) {
        if (newSize < size) {
            throw new IllegalArgumentException("a device does not shrink: " + size + " -> " + newSize);
        }
        size = newSize;
    }

    /**
     * Gives a range back: it becomes free again.
     *
     * @param range a range that is wholly in use
     * @throws IllegalArgumentException if any of it is free
     */
    public void release(Range range) {
        if (range.length() <= 0) {
            return;
        }
        Map.Entry<Long, Long> holder = used.floorEntry(range.start());
        if (holder == null || holder.getKey() + holder.getValue() < range.start() + range.length()) {
            throw new IllegalArgumentException("range [" + range.start() + ", " + range.length() + "] is not wholly in use");
        }
        used.remove(holder.getKey());
        if (range.start() > holder.getKey()) {
            used.put(holder.getKey(), range.start() - holder.getKey());
        }
        long end = range.start() + range.length();
        long holderEnd = holder.getKey() + holder.getValue();
        if (holderEnd > end) {
            used.put(end, holderEnd - end);
        }
    }

    /**
     * The free ranges, lowest first.
     *
     * @return the ranges not in use
     */
    public List<Range> free() {
        List<Range> free = new ArrayList<>();
        long at = 0;
        for (Map.Entry<Long, Long> e : used.entrySet()) {
            if (e.getKey() > at) {
                free.add(new Range(at, e.getKey() - at));
            }
            at = e.getKey() + e.getValue();
        }
        if (at < size) {
            free.add(new Range(at, size - at));
        }
        return free;
    }

    private void insert(long start, long length) {
        if (length <= 0) {
            return;
        }
        if (start < 0 || start + length > size) {
            throw new IllegalArgumentException("range [" + start + ", " + length + "] lies beyond the device's " + size + " sectors");
        }
        Map.Entry<Long, Long> before = used.floorEntry(start);
        Map.Entry<Long, Long> after = used.ceilingEntry(start);
        if ((before != null && before.getKey() + before.getValue() > start) || (after != null && after.getKey() < start + length)) {
            throw new IllegalArgumentException("range [" + start + ", " + length + "] overlaps one already in use");
        }
        long s = start;
        long l = length;
        if (before != null && before.getKey() + before.getValue() == start) {
            s = before.getKey();
            l += before.getValue();
            used.remove(before.getKey());
        }
        Long next = used.get(start + length);
        if (next != null) {
            l += next;
            used.remove(start + length);
        }
        used.put(s, l);
    }
}
