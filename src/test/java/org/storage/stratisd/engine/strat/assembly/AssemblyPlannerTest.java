package org.storage.stratisd.engine.strat.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.engine.strat.device.FileBlockAccess;
import org.storage.stratisd.engine.strat.identify.BlkidSignatures;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity;
import org.storage.stratisd.engine.strat.identify.DeviceProber;
import org.storage.stratisd.engine.strat.metadata.MetadataArea;
import org.storage.stratisd.testsupport.ImageFiles;

/** Planning upstream's pools from their devices, whole, partial, stopped, locked and contradictory. */
class AssemblyPlannerTest {

    private static final UUID P1 = UUID.fromString("d738f9db-9ae3-4b4c-968f-aedcb51943b1");
    private static final UUID LOOP1 = UUID.fromString("2b6b710c-4ae1-478d-8f82-879ed7004ef2");

    @TempDir
    Path dir;

    private final DeviceProber prober = new DeviceProber(new BlkidSignatures("blkid"), Path.of("/sys"), Path.of("/proc"));
    private Path loop0;
    private Path loop1;
    private Path loop2;

    private Path image(String name, byte[] start, long size) throws Exception {
        return ImageFiles.sparse(dir, name, start, size);
    }

    @BeforeEach
    void upstreamsDevices() throws Exception {
        // sized as the originals (2 GiB), sparse, with upstream's first 16 MiB
        loop0 = image("loop0", Fixtures.dump("p1/loop0-first16MiB.bin.gz"), 2L << 30);
        loop1 = image("loop1", Fixtures.dump("p1/loop1-first16MiB.bin.gz"), 2L << 30);
        loop2 = image("loop2", Fixtures.dump("p1/loop2-first16MiB.bin.gz"), 2L << 30);
    }

    private List<DeviceIdentity> identify(Path... devices) {
        List<DeviceIdentity> out = new ArrayList<>();
        for (Path d : devices) {
            out.add(prober.identify(d, Map.of(), false));
        }
        return out;
    }

    @Test
    void allOfP1IsReadyWithItsDevicesInMetadataOrder() {
        List<PoolPlan> plans = AssemblyPlanner.plan(identify(loop2, loop1, loop0));
        assertThat(plans).hasSize(1);
        PoolPlan plan = plans.getFirst();
        assertThat(plan.poolUuid()).isEqualTo(P1);
        assertThat(plan.name()).contains("p1");
        assertThat(plan.metadataVersion()).contains(1);
        assertThat(plan.decision()).isEqualTo(new PoolPlan.Decision.Ready());
        assertThat(plan.devices().stream().map(DeviceIdentity::devnode).toList()).containsExactly(loop0, loop1, loop2);
        assertThat(plan.metadata().orElseThrow().backstore().cacheTier()).isPresent();
    }

    @Test
    void missingDevicesAreNamed() {
        PoolPlan plan = AssemblyPlanner.plan(identify(loop0, loop2)).getFirst();
        assertThat(plan.decision()).isEqualTo(new PoolPlan.Decision.Incomplete(List.of(LOOP1)));
        assertThat(plan.name()).contains("p1");

        PoolPlan cacheOnly = AssemblyPlanner.plan(identify(loop2)).getFirst();
        assertThat(cacheOnly.decision()).isEqualTo(new PoolPlan.Decision.Incomplete(List.of()));
        assertThat(cacheOnly.decision().reason()).isEqualTo("no device of the pool carries its metadata");
    }

    @Test
    void theNewestMetadataWinsAndStartedFalseKeepsThePoolStopped() throws Exception {
        MetadataArea.Region newest;
        try (FileBlockAccess access = FileBlockAccess.openReadWrite(loop1)) {
            MetadataArea.State state = MetadataArea.read(access);
            newest = state.newest().orElseThrow();
            String stopped = new String(newest.data().orElseThrow(), StandardCharsets.UTF_8)
                    .replace("\"name\":\"p1\"", "\"name\":\"p1-renamed\"").replace("\"started\":true", "\"started\":false");
            MetadataArea.save(access, state, stopped.getBytes(StandardCharsets.UTF_8), Instant.now());
        }
        PoolPlan plan = AssemblyPlanner.plan(identify(loop0, loop1, loop2)).getFirst();
        assertThat(plan.name()).contains("p1-renamed");
        assertThat(plan.decision()).isEqualTo(new PoolPlan.Decision.StoppedByRequest());
    }

    @Test
    void theSameDeviceUuidTwiceOrAStrangerClaimingThePoolIsInvalid() throws Exception {
        Path copy = image("copy-of-loop1", Fixtures.dump("p1/loop1-first16MiB.bin.gz"), 2L << 30);
        PoolPlan twice = AssemblyPlanner.plan(identify(loop0, loop1, copy, loop2)).getFirst();
        assertThat(twice.decision()).isInstanceOf(PoolPlan.Decision.Invalid.class);
        assertThat(twice.decision().reason()).contains(LOOP1.toString()).contains(loop1.toString()).contains(copy.toString());

        Path small = image("small-loop2", Fixtures.dump("p1/loop2-first16MiB.bin.gz"), 1L << 30);
        PoolPlan shrunk = AssemblyPlanner.plan(identify(loop0, loop1, small)).getFirst();
        assertThat(shrunk.decision().reason()).contains(small.toString()).contains("smaller than the 2147483648 bytes");
    }

    @Test
    void upstreamsEncryptedPoolIsLockedWithItsNameAndKey() throws Exception {
        Path luks = image("luks", Fixtures.dump("p2/luks-first32KiB.bin.gz"), 2L << 30);
        PoolPlan plan = AssemblyPlanner.plan(identify(luks, loop0)).stream()
                .filter(p -> !p.poolUuid().equals(P1)).findFirst().orElseThrow();
        assertThat(plan.poolUuid()).isEqualTo(UUID.fromString("93a23aa5-597d-49ce-9011-4e22880a3366"));
        assertThat(plan.name()).contains("p2");
        assertThat(plan.decision()).isEqualTo(new PoolPlan.Decision.Locked(List.of("p2key"), false));
    }
}
