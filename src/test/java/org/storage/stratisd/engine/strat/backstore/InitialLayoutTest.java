package org.storage.stratisd.engine.strat.backstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSaveCodec;

/** The initial layout, computed with the real thin_metadata_size, equals what upstream 3.5.9 laid out. */
class InitialLayoutTest {

    private static final ThinMetadataSize TOOL = new ThinMetadataSizeTool("thin_metadata_size");

    /** Upstream's document with the thin-pool features of creation (its first check added error_if_no_space). */
    private static PoolSave upstreamAtCreation(String fixture) throws Exception {
        PoolSave upstream = PoolSaveCodec.parse(Fixtures.text(fixture).replaceAll("\\s", "").getBytes(StandardCharsets.UTF_8));
        return new PoolSave(upstream.name(), upstream.backstore(), upstream.flexDevs(),
                new PoolSave.ThinPoolDev(2048, Optional.of(InitialLayout.FEATURE_ARGS), upstream.thinpoolDev().fsLimit(),
                        upstream.thinpoolDev().enableOverprov()),
                upstream.started(), upstream.features(), upstream.lastReencrypt());
    }

    @Test
    void twoDataDevicesOfTwoGibibytesAsP1() throws Exception {
        PoolSave upstream = upstreamAtCreation("p1/loop0-first16MiB.mda.json");
        PoolSave upstreamWithoutCache = new PoolSave(upstream.name(), new PoolSave.Backstore(upstream.backstore().dataTier(),
                upstream.backstore().cap(), Optional.empty()), upstream.flexDevs(), upstream.thinpoolDev(), upstream.started(),
                upstream.features(), upstream.lastReencrypt());
        List<InitialLayout.Device> devices = List.of(
                new InitialLayout.Device(UUID.fromString("96347799-d2f8-45b6-adeb-205489d85571"), 4194304),
                new InitialLayout.Device(UUID.fromString("2b6b710c-4ae1-478d-8f82-879ed7004ef2"), 4194304));

        PoolSave ours = InitialLayout.v1("p1", devices, TOOL);

        assertThat(new String(PoolSaveCodec.write(ours), StandardCharsets.UTF_8))
                .isEqualTo(new String(PoolSaveCodec.write(upstreamWithoutCache), StandardCharsets.UTF_8));
    }

    @Test
    void oneDeviceInsideALuksContainerAsP2() throws Exception {
        PoolSave upstream = upstreamAtCreation("p2/crypt.mda.json");
        PoolSave ours = InitialLayout.v1("p2", List.of(new InitialLayout.Device(
                UUID.fromString("cf221ca1-c3ca-4b63-8ecf-c1d98b560ae9"), 4161536)), TOOL);
        assertThat(ours).isEqualTo(upstream);
    }

    @Test
    void theSpecsWorkedExampleForOneTenGibibyteDevice() throws Exception {
        UUID device = UUID.randomUUID();
        PoolSave ours = InitialLayout.v1("legacy", List.of(new InitialLayout.Device(device, 20971520)), TOOL);
        assertThat(ours.flexDevs().thinMetaDev()).containsExactly(new PoolSave.Range(0, 11648));
        assertThat(ours.flexDevs().thinMetaDevSpare()).containsExactly(new PoolSave.Range(11648, 11648));
        assertThat(ours.flexDevs().thinDataDev()).containsExactly(new PoolSave.Range(23296, 19890176));
        assertThat(ours.flexDevs().metaDev()).containsExactly(new PoolSave.Range(19913472, 1048576));
        assertThat(ours.backstore().cap().allocs()).containsExactly(new PoolSave.Range(0, 20962048));
        assertThat(ours.backstore().dataTier().blockdev().allocs().getFirst())
                .containsExactly(new PoolSave.Segment(device, 8192, 20962048));
    }

    @Test
    void theDataDeviceIsCappedAtFiftyGibibytesAndTooLittleSpaceIsRefused() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        PoolSave big = InitialLayout.v1("big", List.of(new InitialLayout.Device(a, 83886080), new InitialLayout.Device(b, 83886080)),
                TOOL);
        assertThat(PoolSave.sum(big.flexDevs().thinDataDev())).isEqualTo(InitialLayout.MAX_INITIAL_DATA);
        assertThat(big.backstore().dataTier().blockdev().allocs().getFirst()).hasSize(2);
        assertThat(PoolSave.sum(big.backstore().cap().allocs())).isEqualTo(big.flexDevs().totalSectors());

        assertThatThrownBy(() -> InitialLayout.v1("tiny", List.of(new InitialLayout.Device(a, 1056768)), TOOL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too few for a pool");
    }
}
