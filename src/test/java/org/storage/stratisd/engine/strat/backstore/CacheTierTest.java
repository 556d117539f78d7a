package org.storage.stratisd.engine.strat.backstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSave.Segment;
import org.storage.stratisd.engine.strat.serde.PoolSaveCodec;

/**
 * The cache tier's allocation (real-engine spec §2.2), against what upstream 3.5.9 recorded for
 * p1's 2 GiB cache device: 512 MiB of metadata after the BDA, the rest cache; devices added later
 * go wholly to the cache; the 32 TiB bound; a recorded tier with free space is refused.
 */
class CacheTierTest {

    private static final long TWO_GIB = 4194304;
    private static final UUID P1_CACHE = UUID.fromString("1814ae3d-7f53-4534-a83d-bcdce64d7ee3");

    private static Blockdev device(UUID uuid, long sectors) {
        return Blockdev.initialise(uuid, Path.of("/dev/null"), new DevNum(7, 2), 0, sectors, Optional.empty());
    }

    @Test
    void aNewTierOnUpstreamsCacheDeviceIsWhatUpstreamRecorded() throws Exception {
        PoolSave p1 = PoolSaveCodec.parse(Fixtures.text("p1/loop0-first16MiB.mda.json").getBytes(StandardCharsets.UTF_8));
        Blockdev cache = device(P1_CACHE, TWO_GIB);

        CacheTier tier = CacheTier.initialise(List.of(cache));

        assertThat(tier.save()).isEqualTo(p1.backstore().cacheTier().orElseThrow());
        assertThat(tier.metaSegments()).containsExactly(new Segment(P1_CACHE, 8192, CacheTier.META_SECTORS));
        assertThat(tier.cacheSize()).isEqualTo(3137536);
        assertThat(cache.allocator().available()).isZero();
    }

    @Test
    void theMetadataSpansDevicesInOrderAndTheCacheTakesTheRest() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        // The first device offers 8192 sectors after its BDA: the metadata continues on the second.
        CacheTier tier = CacheTier.initialise(List.of(device(a, 16384), device(b, TWO_GIB)));

        assertThat(tier.metaSegments()).containsExactly(new Segment(a, 8192, 8192),
                new Segment(b, 8192, CacheTier.META_SECTORS - 8192));
        assertThat(tier.cacheSegments()).containsExactly(new Segment(b, 8192 + CacheTier.META_SECTORS - 8192,
                TWO_GIB - 8192 - (CacheTier.META_SECTORS - 8192)));
        assertThat(tier.save().blockdev().allocs()).containsExactly(tier.cacheSegments(), tier.metaSegments());
    }

    @Test
    void addedDevicesGoWhollyToTheCacheAndCanBeTakenOutAgain() throws Exception {
        CacheTier tier = CacheTier.initialise(List.of(device(P1_CACHE, TWO_GIB)));
        List<Segment> cacheBefore = tier.cacheSegments();
        UUID other = UUID.randomUUID();
        Blockdev added = device(other, TWO_GIB);

        List<Segment> before = tier.add(List.of(added));

        assertThat(before).isEqualTo(cacheBefore);
        assertThat(tier.cacheSegments()).containsExactly(cacheBefore.getFirst(), new Segment(other, 8192, TWO_GIB - 8192));
        assertThat(tier.metaSegments()).hasSize(1);
        assertThat(tier.devices()).extracting(Blockdev::uuid).containsExactly(P1_CACHE, other);

        tier.rollback(List.of(added), before);
        assertThat(tier.cacheSegments()).isEqualTo(cacheBefore);
        assertThat(tier.devices()).extracting(Blockdev::uuid).containsExactly(P1_CACHE);
    }

    @Test
    void aCacheLargerThanThirtyTwoTebibytesIsRefusedWithUpstreamsMessage() throws Exception {
        long big = CacheTier.MAX_CACHE_SECTORS + CacheTier.META_SECTORS + 8192 + 1;
        assertThatThrownBy(() -> CacheTier.initialise(List.of(device(UUID.randomUUID(), big))))
                .isInstanceOf(EngineException.class)
                .hasMessage("The size of the cache sub-device may not exceed 68719476736 sectors");
        CacheTier exact = CacheTier.initialise(List.of(device(UUID.randomUUID(), big - 1)));
        assertThat(exact.cacheSize()).isEqualTo(CacheTier.MAX_CACHE_SECTORS);

        CacheTier small = CacheTier.initialise(List.of(device(UUID.randomUUID(), TWO_GIB)));
        List<Segment> before = small.cacheSegments();
        assertThatThrownBy(() -> small.add(List.of(device(UUID.randomUUID(), CacheTier.MAX_CACHE_SECTORS))))
                .hasMessage("The size of the cache sub-device may not exceed 68719476736 sectors");
        assertThat(small.cacheSegments()).isEqualTo(before);
        assertThat(small.devices()).hasSize(1);
    }

    @Test
    void aRecordedTierIsTakenAsItIsButNotWithUnallocatedSpace() throws Exception {
        PoolSave.CacheTier recorded = PoolSaveCodec.parse(Fixtures.text("p1/loop0-first16MiB.mda.json")
                .getBytes(StandardCharsets.UTF_8)).backstore().cacheTier().orElseThrow();
        List<PoolSave.Range> used = recorded.blockdev().allocs().stream().flatMap(List::stream)
                .map(s -> new PoolSave.Range(s.start(), s.length())).toList();
        Blockdev whole = new Blockdev(P1_CACHE, Path.of("/dev/null"), new DevNum(7, 2), 0, TWO_GIB, used, List.of(),
                Optional.empty(), Optional.empty());
        assertThat(CacheTier.fromSave(recorded, List.of(whole)).save()).isEqualTo(recorded);

        Blockdev larger = new Blockdev(P1_CACHE, Path.of("/dev/null"), new DevNum(7, 2), 0, TWO_GIB + 2048, used, List.of(),
                Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> CacheTier.fromSave(recorded, List.of(larger)))
                .hasMessage("2048 sectors unallocated to device; probable metadata corruption");
    }

    @Test
    void devicesTooSmallForTheMetadataAreRefused() {
        assertThatThrownBy(() -> CacheTier.initialise(List.of(device(UUID.randomUUID(), CacheTier.META_SECTORS))))
                .isInstanceOf(EngineException.class).hasMessageContaining("not more than the 1048576 sectors");
    }
}
