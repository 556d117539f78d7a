package org.storage.stratisd.engine.strat.backstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.serde.PoolSave.Range;
import org.storage.stratisd.engine.strat.serde.PoolSave.Segment;

/**
 * Allocation on a running pool (real-engine spec §2.1-§2.3) and giving an allocation back when the
 * kernel refuses to use it: the cap, the data tier and every device's free space are as before.
 */
class BackstoreTest {

    private static final long TEN_GIB = 20971520;
    private static final UUID A = UUID.fromString("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0");
    private static final UUID B = UUID.fromString("5b0c1d2e-3f40-4a5b-9c6d-7e8f90a1b2c3");

    @Test
    void releaseSplitsAMergedRangeAndRefusesWhatIsFree() {
        RangeAllocator allocator = new RangeAllocator(100, List.of(new Range(0, 10)));
        assertThat(allocator.allocFront(30)).containsExactly(new Range(10, 30));
        allocator.release(new Range(15, 5));
        assertThat(allocator.free()).containsExactly(new Range(15, 5), new Range(40, 60));
        assertThat(allocator.available()).isEqualTo(65);
        assertThatThrownBy(() -> allocator.release(new Range(14, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not wholly in use");
        allocator.release(new Range(0, 15));
        allocator.release(new Range(20, 20));
        assertThat(allocator.free()).containsExactly(new Range(0, 100));
    }

    @Test
    void aV2AllocationAcrossTwoDevicesIsGivenBackWhole() {
        Blockdev a = device(A);
        Blockdev b = device(B);
        Backstore backstore = new Backstore(2, new DataTier(List.of(a), List.of(), Optional.of(Integrity.DEFAULT)), List.of(),
                List.of(), Optional.empty(), false);
        assertThat(backstore.reserveCryptMeta()).isTrue();
        List<Range> first = backstore.alloc(List.of(1L << 20)).orElseThrow();
        assertThat(first).containsExactly(new Range(Backstore.CRYPT_META_SECTORS, 1L << 20));
        backstore.dataTier().add(List.of(b));
        long freeA = a.allocator().available();
        long freeB = b.allocator().available();
        Backstore.Mark mark = backstore.mark();

        long big = freeA + 4096;
        List<Range> grown = backstore.alloc(List.of(big, 2048L)).orElseThrow();
        assertThat(grown).containsExactly(new Range(Backstore.CRYPT_META_SECTORS + (1L << 20), big),
                new Range(Backstore.CRYPT_META_SECTORS + (1L << 20) + big, 2048));
        assertThat(a.allocator().available()).isZero();
        assertThat(backstore.dataTier().segments()).hasSize(2);
        assertThat(backstore.dataTier().segments().getLast()).isEqualTo(new Segment(B, 8192, 4096 + 2048));

        backstore.rollback(mark);
        assertThat(backstore.save().cap().allocs()).containsExactly(first.getFirst());
        assertThat(backstore.dataTier().segments()).containsExactly(new Segment(A, 8192, Backstore.CRYPT_META_SECTORS + (1L << 20)));
        assertThat(a.allocator().available()).isEqualTo(freeA);
        assertThat(b.allocator().available()).isEqualTo(freeB);
        assertThat(backstore.alloc(List.of(big, 2048L))).contains(grown);
    }

    @Test
    void aV1AllocationGivenBackRestoresItsSinglePair() {
        Blockdev a = device(A);
        Backstore backstore = new Backstore(1, new DataTier(List.of(a), List.of(), Optional.empty()), List.of(), List.of(),
                Optional.empty(), false);
        backstore.alloc(List.of(4096L, 4096L)).orElseThrow();
        assertThat(backstore.save().cap().allocs()).containsExactly(new Range(0, 8192));
        Backstore.Mark mark = backstore.mark();
        backstore.alloc(List.of(100L)).orElseThrow();
        assertThat(backstore.save().cap().allocs()).containsExactly(new Range(0, 8292));
        backstore.rollback(mark);
        assertThat(backstore.save().cap().allocs()).containsExactly(new Range(0, 8192));
        assertThat(backstore.dataTier().segments()).containsExactly(new Segment(A, 8192, 8192));
        assertThat(backstore.available()).isEqualTo(backstore.usableSize() - 8192);
    }

    @Test
    void anAllocationLargerThanWhatIsLeftChangesNothing() {
        Blockdev a = device(A);
        Backstore backstore = new Backstore(2, new DataTier(List.of(a), List.of(), Optional.of(Integrity.DEFAULT)), List.of(),
                List.of(), Optional.empty(), false);
        Backstore.Mark mark = backstore.mark();
        assertThat(backstore.alloc(List.of(backstore.available() + 1))).isEmpty();
        assertThat(backstore.mark()).isEqualTo(mark);
    }

    @Test
    void anAddedDeviceNotUsedYetCanBeTakenOutAgainButOneHoldingSegmentsCannot() {
        Blockdev a = device(A);
        Blockdev b = device(B);
        DataTier tier = new DataTier(List.of(a), List.of(), Optional.of(Integrity.DEFAULT));
        assertThat(tier.alloc(List.of(4096L))).isTrue();
        long size = tier.size();
        tier.add(List.of(b));
        assertThat(tier.size()).isGreaterThan(size);
        tier.remove(List.of(b));
        assertThat(tier.devices()).containsExactly(a);
        assertThat(tier.size()).isEqualTo(size);
        assertThatThrownBy(() -> tier.remove(List.of(a))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds segments");
        assertThat(tier.devices()).containsExactly(a);
    }

    @Test
    void aDeviceSeenLargerReportsItsNewSizeUntilItsGrowthIsRecorded() {
        Blockdev a = device(A);
        assertThat(a.seen(TEN_GIB)).isFalse();
        assertThat(a.newSizeSectors()).isEmpty();
        assertThat(a.seen(TEN_GIB + 4096)).isTrue();
        assertThat(a.seen(TEN_GIB + 4096)).as("the same size again changes nothing").isFalse();
        assertThat(a.newSizeSectors()).hasValue(TEN_GIB + 4096);
        a.grew(TEN_GIB + 4096, List.of());
        assertThat(a.newSizeSectors()).isEmpty();
        assertThat(a.seen(TEN_GIB + 4096)).isFalse();
    }

    private static Blockdev device(UUID uuid) {
        return Blockdev.initialise(uuid, Path.of("/dev/null"), new DevNum(7, 0), 0, TEN_GIB, Optional.of(Integrity.DEFAULT));
    }
}
