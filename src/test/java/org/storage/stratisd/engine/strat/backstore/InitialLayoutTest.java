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

    private static Blockdev fresh(String uuid, long sectors) {
        return Blockdev.initialise(UUID.fromString(uuid), java.nio.file.Path.of("/dev/null"),
                new org.storage.stratisd.engine.strat.dm.DevNum(7, 0), 0, sectors, Optional.of(Integrity.DEFAULT));
    }

    /** The spec's example A, byte for byte: what 3.9.2 writes for two 10 GiB devices. */
    @Test
    void versionTwoOnTwoTenGibibyteDevicesIsTheSpecsExampleA() throws Exception {
        PoolSave ours = InitialLayout.v2("pool1", List.of(fresh("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0", 20971520),
                fresh("5b0c1d2e-3f40-4a5b-9c6d-7e8f90a1b2c3", 20971520)), Integrity.DEFAULT, TOOL);
        assertThat(new String(PoolSaveCodec.write(ours), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"pool1\",\"backstore\":"
                + "{\"data_tier\":{\"blockdev\":{\"allocs\":[[{\"parent\":\"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0\",\"start\":8192,"
                + "\"length\":20373496},{\"parent\":\"5b0c1d2e-3f40-4a5b-9c6d-7e8f90a1b2c3\",\"start\":8192,\"length\":20371464}]],"
                + "\"devs\":[{\"uuid\":\"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0\",\"integrity_meta_allocs\":[[20381688,589832]]},"
                + "{\"uuid\":\"5b0c1d2e-3f40-4a5b-9c6d-7e8f90a1b2c3\",\"integrity_meta_allocs\":[[20381688,589832]]}]},"
                + "\"integrity_spec\":{\"tag_spec\":\"512b\",\"journal_size\":262144,\"block_size\":4096,\"allocate_superblock\":true}},"
                + "\"cap\":{\"allocs\":[[34816,18432],[53248,18432],[71680,39624704],[39696384,1048576]],"
                + "\"crypt_meta_allocs\":[[0,34816]]}},\"flex_devs\":{\"meta_dev\":[[39696384,1048576]],"
                + "\"thin_meta_dev\":[[34816,18432]],\"thin_data_dev\":[[71680,39624704]],\"thin_meta_dev_spare\":[[53248,18432]]},"
                + "\"thinpool_dev\":{\"data_block_size\":2048,\"feature_args\":[\"no_discard_passdown\",\"skip_block_zeroing\"],"
                + "\"fs_limit\":100,\"enable_overprov\":true},\"started\":true}");
    }

    /** The spec's table row "3.9.2 V2, 1x10 GiB": 12288/12288/19263488/1048576, 2040 sectors left. */
    @Test
    void versionTwoOnOneTenGibibyteDeviceLeavesTwoThousandFortySectors() throws Exception {
        Blockdev dev = fresh("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0", 20971520);
        PoolSave ours = InitialLayout.v2("one", List.of(dev), Integrity.DEFAULT, TOOL);
        assertThat(ours.flexDevs().thinMetaDev()).containsExactly(new PoolSave.Range(34816, 12288));
        assertThat(ours.flexDevs().thinMetaDevSpare()).containsExactly(new PoolSave.Range(47104, 12288));
        assertThat(ours.flexDevs().thinDataDev()).containsExactly(new PoolSave.Range(59392, 19263488));
        assertThat(ours.flexDevs().metaDev()).containsExactly(new PoolSave.Range(19322880, 1048576));
        assertThat(dev.allocator().available()).isEqualTo(2040);
    }

    /**
     * Encrypted, the same sizes, but the cap's ranges count on the crypt device, which begins after
     * the header area: the first flex range starts at 0 (spec §2.3), and the features say so.
     */
    @Test
    void anEncryptedVersionTwoPoolCountsItsFlexRangesFromTheCryptDevice() throws Exception {
        Blockdev dev = fresh("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0", 20971520);
        PoolSave ours = InitialLayout.v2("one", List.of(dev), Integrity.DEFAULT, TOOL, true);
        assertThat(ours.flexDevs().thinMetaDev()).containsExactly(new PoolSave.Range(0, 12288));
        assertThat(ours.flexDevs().thinMetaDevSpare()).containsExactly(new PoolSave.Range(12288, 12288));
        assertThat(ours.flexDevs().thinDataDev()).containsExactly(new PoolSave.Range(24576, 19263488));
        assertThat(ours.flexDevs().metaDev()).containsExactly(new PoolSave.Range(19288064, 1048576));
        assertThat(ours.backstore().cap().cryptMetaAllocs()).containsExactly(new PoolSave.Range(0, 34816));
        assertThat(ours.features()).containsExactly("Encryption", "KeyDescriptionEnabled");
        assertThat(dev.allocator().available()).isEqualTo(2040);
    }

    @Test
    void theIntegrityReservationFollowsTheSpecsFormula() {
        assertThat(Integrity.reservation(20971520, Integrity.DEFAULT)).isEqualTo(589832);
        assertThat(Integrity.reservation(20971520, new PoolSave.IntegritySpec("0b", 0, 4096, false))).isZero();
        assertThat(Integrity.reservation(20971520, new PoolSave.IntegritySpec("32b", 262144, 4096, false)))
                .isEqualTo(262144 + 20480);
    }
}
