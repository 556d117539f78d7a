package org.storage.stratisd.engine.strat.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.engine.strat.device.MemoryBlockAccess;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSaveCodec;
import org.storage.stratisd.json.Json;

/** What upstream 3.5.9 wrote decodes to the values its capture documents, and re-encodes to the same bytes. */
class UpstreamBdaTest {

    private static final List<String> DEVICES = List.of("p1/loop0-first16MiB", "p1/loop1-first16MiB",
            "p1/loop2-first16MiB");

    private static Map<?, ?> summary(String device) {
        String name = device.startsWith("p2/") ? "p2/crypt.summary.json" : device + ".summary.json";
        return (Map<?, ?>) Fixtures.json(name);
    }

    private static byte[] dump(String device) {
        return Fixtures.dump(device.startsWith("p2/") ? "p2/crypt-first1MiB.bin.gz" : device + ".bin.gz");
    }

    private static long number(Object raw) {
        return ((Number) raw).longValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"p1/loop0-first16MiB", "p1/loop1-first16MiB", "p1/loop2-first16MiB", "p2/crypt"})
    void signatureBlocksDecodeToTheCapturedFieldsAndReencodeIdentically(String device) throws Exception {
        byte[] bytes = dump(device);
        Map<?, ?> expected = (Map<?, ?>) summary(device).get("sigblock_sector1");
        MemoryBlockAccess access = new MemoryBlockAccess(device, bytes);

        StaticHeader.Copies copies = StaticHeader.readCopies(access);
        assertThat(copies.first()).isInstanceOf(SignatureBlock.Decoded.Valid.class);
        assertThat(copies.second()).isInstanceOf(SignatureBlock.Decoded.Valid.class);
        SignatureBlock block = StaticHeader.read(access, false).orElseThrow();
        assertThat(SignatureBlock.simple(block.poolUuid())).isEqualTo(expected.get("pool_uuid"));
        assertThat(SignatureBlock.simple(block.deviceUuid())).isEqualTo(expected.get("dev_uuid"));
        assertThat(block.sizeSectors()).isEqualTo(number(expected.get("blkdev_size_sectors")));
        assertThat(block.version()).isEqualTo(number(expected.get("sigblock_version")));
        assertThat(block.mdaSizeSectors()).isEqualTo(number(expected.get("mda_size_sectors")));
        assertThat(block.reservedSizeSectors()).isEqualTo(number(expected.get("reserved_size_sectors")));
        assertThat(block.flags()).isEqualTo(number(expected.get("flags")));
        assertThat(block.initTimeSeconds()).isEqualTo(number(expected.get("initialization_time")));
        assertThat(block.bdaSectors()).isEqualTo(8192);
        assertThat(String.format("0x%08x", SignatureBlock.storedCrc(block.encode()))).isEqualTo(expected.get("crc32c_stored"));

        byte[] written = new byte[(int) (StaticHeader.SECTORS * StaticHeader.SECTOR)];
        StaticHeader.write(new MemoryBlockAccess("copy", written), block);
        assertThat(written).isEqualTo(Arrays.copyOf(bytes, written.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {"p1/loop0-first16MiB", "p1/loop1-first16MiB", "p1/loop2-first16MiB", "p2/crypt"})
    void regionHeadersDecodeToTheCapturedValuesAndReencodeIdentically(String device) throws Exception {
        byte[] bytes = dump(device);
        Map<?, ?> summary = summary(device);
        MetadataArea.State state = MetadataArea.read(new MemoryBlockAccess(device, bytes));
        List<?> regions = (List<?>) summary.get("mda_regions");
        for (int i = 0; i < MetadataArea.REGIONS; i++) {
            Map<?, ?> expected = (Map<?, ?>) regions.get(i);
            MetadataArea.Region region = state.regions().get(i);
            assertThat(region.offset()).isEqualTo(number(expected.get("offset_bytes")));
            MdaRegionHeader header = region.header().orElseThrow();
            assertThat(header.used()).isEqualTo(number(expected.get("used")));
            assertThat(HexFormat.of().formatHex(header.encode())).isEqualTo(expected.get("header_hex"));
            if (header.used() > 0) {
                assertThat(region.usable()).as("region %d", i).isTrue();
                assertThat(header.seconds() + "." + String.format("%09d", header.nanos()))
                        .isEqualTo(expected.get("last_updated"));
            }
        }
        if (summary.get("newest_region") != null) {
            assertThat(state.newest().orElseThrow().index()).isEqualTo(number(summary.get("newest_region")));
        } else {
            assertThat(state.newest()).isEmpty();
            assertThat(state.older()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"p1/loop0-first16MiB", "p1/loop1-first16MiB", "p2/crypt"})
    void everyStoredDocumentParsesAndIsWrittenBackByteForByte(String device) throws Exception {
        MetadataArea.State state = MetadataArea.read(new MemoryBlockAccess(device, dump(device)));
        int documents = 0;
        for (MetadataArea.Region region : state.regions()) {
            if (region.usable()) {
                byte[] stored = region.data().orElseThrow();
                PoolSave save = PoolSaveCodec.parse(stored);
                assertThat(new String(PoolSaveCodec.write(save), StandardCharsets.UTF_8))
                        .isEqualTo(new String(stored, StandardCharsets.UTF_8));
                documents++;
            }
        }
        assertThat(documents).isEqualTo(4);
        String decoded = device.startsWith("p2/") ? "p2/crypt.mda.json" : device + ".mda.json";
        byte[] newest = state.newest().orElseThrow().data().orElseThrow();
        assertThat(Json.parse(new String(newest, StandardCharsets.UTF_8))).isEqualTo(Fixtures.json(decoded));
    }

    @ParameterizedTest
    @ValueSource(strings = {"p1/loop0-first16MiB", "p1/loop1-first16MiB"})
    void replayingUpstreamsSavesOnABlankDeviceGivesTheSameFourMebibytes(String device) throws Exception {
        byte[] upstream = dump(device);
        MetadataArea.State found = MetadataArea.read(new MemoryBlockAccess(device, upstream));
        SignatureBlock block = StaticHeader.read(new MemoryBlockAccess(device, upstream), false).orElseThrow();
        MetadataArea.Region older = found.regions().get(1);
        MetadataArea.Region newer = found.regions().get(0);

        byte[] ours = new byte[upstream.length];
        MemoryBlockAccess access = new MemoryBlockAccess("blank", ours);
        StaticHeader.write(access, block);
        MetadataArea.initialise(access);
        MetadataArea.State state = MetadataArea.read(access);
        // Upstream saved three times: at creation (region 0), then region 1, then region 0 again;
        // the first document is overwritten by a longer one, so any shorter document stands in.
        Instant olderTime = older.header().orElseThrow().time().orElseThrow();
        state = MetadataArea.save(access, state, "{}".getBytes(StandardCharsets.UTF_8), olderTime.minusSeconds(1));
        state = MetadataArea.save(access, state, older.data().orElseThrow(), olderTime);
        MetadataArea.save(access, state, newer.data().orElseThrow(), newer.header().orElseThrow().time().orElseThrow());

        int bda = (int) (block.bdaSectors() * StaticHeader.SECTOR);
        assertThat(Arrays.copyOf(ours, bda)).isEqualTo(Arrays.copyOf(upstream, bda));
    }

    @ParameterizedTest
    @ValueSource(strings = {"p1/loop2-first16MiB"})
    void aCacheDeviceIsASignatureBlockAndFourEmptyRegions(String device) throws Exception {
        byte[] upstream = dump(device);
        SignatureBlock block = StaticHeader.read(new MemoryBlockAccess(device, upstream), false).orElseThrow();
        byte[] ours = new byte[upstream.length];
        MemoryBlockAccess access = new MemoryBlockAccess("blank", ours);
        StaticHeader.write(access, block);
        MetadataArea.initialise(access);
        int bda = (int) (block.bdaSectors() * StaticHeader.SECTOR);
        assertThat(Arrays.copyOf(ours, bda)).isEqualTo(Arrays.copyOf(upstream, bda));
        assertThat(block.poolUuid()).isEqualTo(UUID.fromString("d738f9db-9ae3-4b4c-968f-aedcb51943b1"));
        assertThat(MetadataArea.read(access).newest()).isEqualTo(Optional.empty());
    }
}
