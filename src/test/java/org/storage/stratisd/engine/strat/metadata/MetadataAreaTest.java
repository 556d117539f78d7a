package org.storage.stratisd.engine.strat.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.strat.device.CuttingBlockAccess;
import org.storage.stratisd.engine.strat.device.MemoryBlockAccess;

/** Saves alternate between the primaries; damaged and torn regions fall back to what is intact. */
class MetadataAreaTest {

    private static final Instant T0 = Instant.ofEpochSecond(1700000000L, 123456789);

    private static MemoryBlockAccess blank() throws Exception {
        MemoryBlockAccess device = new MemoryBlockAccess("/dev/test0", new byte[4 << 20]);
        MetadataArea.initialise(device);
        return device;
    }

    private static byte[] doc(int generation) {
        return ("{\"name\":\"p\",\"generation\":" + generation + ",\"pad\":\"" + "x".repeat(generation * 7) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String newest(MemoryBlockAccess device) throws Exception {
        return new String(MetadataArea.read(device).newest().orElseThrow().data().orElseThrow(), StandardCharsets.UTF_8);
    }

    @Test
    void theSpecsHeaderExamplesEncodeToTheirBytes() {
        assertThat(HexFormat.of().formatHex(MdaRegionHeader.EMPTY.encode()))
                .isEqualTo("afffcd8f" + "00000000" + "0000000000000000" + "0000000000000000" + "00000000" + "0101" + "0000");
        MdaRegionHeader header = MdaRegionHeader.forData("{\"name\":\"p\"}".getBytes(StandardCharsets.UTF_8), T0);
        assertThat(HexFormat.of().formatHex(header.encode()))
                .isEqualTo("9db54db5" + "2f39ea53" + "0c00000000000000" + "00f1536500000000" + "15cd5b07" + "0101" + "0000");
    }

    @Test
    void savesAlternateBetweenThePrimariesAndTheCopiesMirrorThem() throws Exception {
        MemoryBlockAccess device = blank();
        MetadataArea.State state = MetadataArea.read(device);
        for (int g = 1; g <= 6; g++) {
            state = MetadataArea.save(device, state, doc(g), T0.plusSeconds(g));
            MetadataArea.State read = MetadataArea.read(device);
            int written = (g - 1) % 2;
            assertThat(read.newest().orElseThrow().index()).isIn(written, written + 2);
            assertThat(read.regions().get(written).header()).isEqualTo(read.regions().get(written + 2).header());
            assertThat(new String(read.regions().get(written + 2).data().orElseThrow(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(doc(g), StandardCharsets.UTF_8));
            assertThat(read.lastUpdate()).contains(T0.plusSeconds(g));
        }
    }

    @Test
    void aSaveNotLaterThanTheLastIsRefused() throws Exception {
        MemoryBlockAccess device = blank();
        MetadataArea.State state = MetadataArea.save(device, MetadataArea.read(device), doc(1), T0);
        MetadataArea.State current = state;
        assertThatThrownBy(() -> MetadataArea.save(device, current, doc(2), T0))
                .isInstanceOf(MetadataException.class).hasMessageContaining("Overwriting newer data")
                .hasMessageContaining("/dev/test0");
        assertThatThrownBy(() -> MetadataArea.save(device, current, new byte[MetadataArea.MAX_DATA + 1], T0.plusSeconds(1)))
                .hasMessageContaining("does not fit");
    }

    @Test
    void aDamagedPrimaryHeaderFallsBackToItsCopy() throws Exception {
        MemoryBlockAccess device = blank();
        MetadataArea.State state = MetadataArea.read(device);
        state = MetadataArea.save(device, state, doc(1), T0.plusSeconds(1));
        MetadataArea.save(device, state, doc(2), T0.plusSeconds(2));
        device.bytes()[(int) MetadataArea.regionOffset(1) + 10] ^= 0x04;

        MetadataArea.State read = MetadataArea.read(device);
        assertThat(read.regions().get(1).usable()).isFalse();
        assertThat(read.regions().get(1).error()).contains("region header CRC invalid");
        assertThat(read.newest().orElseThrow().index()).isEqualTo(3);
        assertThat(newest(device)).isEqualTo(new String(doc(2), StandardCharsets.UTF_8));
    }

    @Test
    void everyCutPointOfASaveLeavesEitherTheNewOrThePreviousDocument() throws Exception {
        // A save is four writes (data, header, copy's data, copy's header); cut each at several points.
        int[] keeps = {0, 1, 16, 23, 24, 27, 28, 31, 100, 4096};
        for (int write = 1; write <= 4; write++) {
            for (int keep : keeps) {
                MemoryBlockAccess device = blank();
                MetadataArea.State state = MetadataArea.read(device);
                state = MetadataArea.save(device, state, doc(1), T0.plusSeconds(1));
                state = MetadataArea.save(device, state, doc(2), T0.plusSeconds(2));
                MetadataArea.State before = state;
                CuttingBlockAccess cutting = new CuttingBlockAccess(device, write, keep);
                assertThatThrownBy(() -> MetadataArea.save(cutting, before, doc(30), T0.plusSeconds(3)))
                        .isInstanceOf(MetadataException.class).hasMessageContaining("/dev/test0");

                String found = newest(device);
                // a header write cut after the last byte in which the new header differs from the
                // old one has in fact written the whole new header
                byte[] oldHeader = before.regions().get(before.older()).header().orElseThrow().encode();
                byte[] newHeader = MdaRegionHeader.forData(doc(30), T0.plusSeconds(3)).encode();
                int lastDifference = 0;
                for (int i = 0; i < oldHeader.length; i++) {
                    if (oldHeader[i] != newHeader[i]) {
                        lastDifference = i;
                    }
                }
                String expected = write >= 2 && (write > 2 || keep > lastDifference)
                        ? new String(doc(30), StandardCharsets.UTF_8)
                        : new String(doc(2), StandardCharsets.UTF_8);
                assertThat(found).as("write %d cut after %d bytes", write, keep).isEqualTo(expected);

                // the next save after the crash works and is what is read afterwards
                MetadataArea.State after = MetadataArea.read(device);
                MetadataArea.save(device, after, doc(4), T0.plusSeconds(4));
                assertThat(newest(device)).isEqualTo(new String(doc(4), StandardCharsets.UTF_8));
                // and the one before it is still there, so one more torn save would not lose everything
                MetadataArea.State last = MetadataArea.read(device);
                assertThat(last.regions().stream().filter(MetadataArea.Region::usable).count()).isGreaterThanOrEqualTo(3);
            }
        }
    }
}
