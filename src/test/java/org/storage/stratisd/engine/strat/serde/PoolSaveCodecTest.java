package org.storage.stratisd.engine.strat.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Version 2 documents as 3.9 writes them, defaults, and bad documents. */
class PoolSaveCodecTest {

    /** The spec's example A (V2, unencrypted, two 10 GiB devices), compact as on disk. */
    private static final String V2 = "{\"name\":\"pool1\",\"backstore\":{\"data_tier\":{\"blockdev\":{\"allocs\":[["
            + "{\"parent\":\"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0\",\"start\":8192,\"length\":20373496},"
            + "{\"parent\":\"5b0c1d2e-3f40-4a5b-9c6d-7e8f90a1b2c3\",\"start\":8192,\"length\":20371464}]],"
            + "\"devs\":[{\"uuid\":\"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0\",\"integrity_meta_allocs\":[[20381688,589832]]},"
            + "{\"uuid\":\"5b0c1d2e-3f40-4a5b-9c6d-7e8f90a1b2c3\",\"integrity_meta_allocs\":[[20381688,589832]]}]},"
            + "\"integrity_spec\":{\"tag_spec\":\"512b\",\"journal_size\":262144,\"block_size\":4096,\"allocate_superblock\":true}},"
            + "\"cap\":{\"allocs\":[[34816,18432],[53248,18432],[71680,39624704],[39696384,1048576]],"
            + "\"crypt_meta_allocs\":[[0,34816]]}},"
            + "\"flex_devs\":{\"meta_dev\":[[39696384,1048576]],\"thin_meta_dev\":[[34816,18432]],"
            + "\"thin_data_dev\":[[71680,39624704]],\"thin_meta_dev_spare\":[[53248,18432]]},"
            + "\"thinpool_dev\":{\"data_block_size\":2048,\"feature_args\":[\"no_discard_passdown\",\"skip_block_zeroing\"],"
            + "\"fs_limit\":100,\"enable_overprov\":true},\"started\":true,\"features\":[\"Encryption\",\"KeyDescriptionEnabled\"],"
            + "\"last_reencrypt\":1790000000}";

    @Test
    void aVersionTwoDocumentRoundTripsWithEveryOptionalMember() throws Exception {
        PoolSave save = PoolSaveCodec.parse(V2.getBytes(StandardCharsets.UTF_8));
        assertThat(save.backstore().dataTier().integritySpec()).contains(new PoolSave.IntegritySpec("512b", 262144, 4096, true));
        assertThat(save.backstore().cap().cryptMetaAllocs()).containsExactly(new PoolSave.Range(0, 34816));
        assertThat(save.backstore().dataTier().blockdev().devs().getFirst().integrityMetaAllocs())
                .containsExactly(new PoolSave.Range(20381688, 589832));
        assertThat(save.features()).containsExactly("Encryption", "KeyDescriptionEnabled");
        assertThat(save.lastReencrypt()).isEqualTo(OptionalLong.of(1790000000L));
        assertThat(PoolSave.sum(save.backstore().cap().allocs())).isEqualTo(save.flexDevs().totalSectors());
        assertThat(new String(PoolSaveCodec.write(save), StandardCharsets.UTF_8)).isEqualTo(V2);
    }

    @Test
    void unknownKeysAreIgnoredAndAbsentOptionalKeysStayAbsent() throws Exception {
        String old = "{\"name\":\"old\",\"future\":{\"x\":1},\"backstore\":{\"data_tier\":{\"blockdev\":{\"allocs\":[[]],"
                + "\"devs\":[{\"uuid\":\"0f1e2d3c4b5a49788695a4b3c2d1e0f0\",\"user_info\":\"label \\\"1\\\"\",\"hardware_info\":\"wwn\"}]}},"
                + "\"cap\":{\"allocs\":[[0,0]]}},\"flex_devs\":{\"meta_dev\":[],\"thin_meta_dev\":[],\"thin_data_dev\":[],"
                + "\"thin_meta_dev_spare\":[]},\"thinpool_dev\":{\"data_block_size\":2048}}";
        PoolSave save = PoolSaveCodec.parse(old.getBytes(StandardCharsets.UTF_8));
        assertThat(save.started()).isEmpty();
        assertThat(save.thinpoolDev().featureArgs()).isEmpty();
        assertThat(save.thinpoolDev().fsLimit()).isEmpty();
        assertThat(save.backstore().dataTier().blockdev().devs().getFirst().userInfo()).isEqualTo(Optional.of("label \"1\""));
        assertThat(new String(PoolSaveCodec.write(save), StandardCharsets.UTF_8))
                .isEqualTo(old.replace(",\"future\":{\"x\":1}", "").replace("0f1e2d3c4b5a49788695a4b3c2d1e0f0",
                        "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0"));
    }

    @Test
    void badDocumentsNameWhatIsWrong() {
        for (List<String> c : List.of(
                List.of("not json", "pool metadata is not JSON"),
                List.of("[1]", "the document: expected an object"),
                List.of(V2.replace("\"name\":\"pool1\",", ""), "name: missing"),
                List.of(V2.replace("\"start\":8192,\"length\":20373496", "\"start\":-1,\"length\":20373496"),
                        "backstore.data_tier.blockdev.allocs[0][0].start: expected a non-negative integer"),
                List.of(V2.replace("[[34816,18432],", "[[34816],"), "backstore.cap.allocs[0]: expected [start, length]"),
                List.of(V2.replace("\"parent\":\"0f1e2d3c", "\"parent\":\"zz1e2d3c"), "allocs[0][0].parent: not a UUID"),
                List.of(V2.replace("\"started\":true", "\"started\":1"), "started: expected true or false"))) {
            assertThatThrownBy(() -> PoolSaveCodec.parse(c.get(0).getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(PoolSaveCodec.FormatException.class).hasMessageContaining(c.get(1));
        }
    }
}
