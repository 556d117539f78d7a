package org.storage.stratisd.engine.strat.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.strat.device.MemoryBlockAccess;

/** The recovery rules for the two signature-block copies, on a device in memory. */
class StaticHeaderRecoveryTest {

    private static final SignatureBlock BLOCK = new SignatureBlock(UUID.fromString("8a6f3b3e-3c1d-4a53-9b0e-2d5c7f1e9a01"),
            UUID.fromString("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0"), 4194304, 1, 2032, 6144, 0, 1700000000L);
    private static final int FIRST = 512;
    private static final int SECOND = 9 * 512;

    private static MemoryBlockAccess deviceWith(SignatureBlock block) throws Exception {
        MemoryBlockAccess device = new MemoryBlockAccess("/dev/test0", new byte[1 << 20]);
        StaticHeader.write(device, block);
        return device;
    }

    @Test
    void theSpecsTestVectorEncodesToItsBytes() {
        String expected = "84e18db4" + "21537472613074697386ff025e417268" + "0000400000000000" + "01000000"
                + "3861366633623365336331643461353339623065326435633766316539613031"
                + "3066316532643363346235613439373838363935613462336332643165306630"
                + "f007000000000000" + "0018000000000000" + "0000000000000000" + "00f1536500000000";
        assertThat(HexFormat.of().formatHex(Arrays.copyOf(BLOCK.encode(), 128))).isEqualTo(expected);
        SignatureBlock v2 = new SignatureBlock(BLOCK.poolUuid(), BLOCK.deviceUuid(), 4194304, 2, 2032, 6144, 0, 1700000000L);
        assertThat(HexFormat.of().formatHex(Arrays.copyOf(v2.encode(), 4))).isEqualTo("c28cdcd5");
    }

    @Test
    void aZeroedCopyIsRewrittenFromTheGoodOne() throws Exception {
        for (int zeroed : new int[] {FIRST, SECOND}) {
            MemoryBlockAccess device = deviceWith(BLOCK);
            byte[] before = Arrays.copyOf(device.bytes(), 8192);
            Arrays.fill(device.bytes(), zeroed, zeroed + 512, (byte) 0);

            assertThat(StaticHeader.read(device, true)).contains(BLOCK);
            assertThat(Arrays.copyOf(device.bytes(), 8192)).isEqualTo(before);
        }
    }

    @Test
    void aFlippedBitIsDetectedByTheCrcAndRepaired() throws Exception {
        MemoryBlockAccess device = deviceWith(BLOCK);
        byte[] before = Arrays.copyOf(device.bytes(), 8192);
        device.bytes()[SECOND + 40] ^= 0x01;
        StaticHeader.Copies copies = StaticHeader.readCopies(device);
        assertThat(copies.second()).isInstanceOf(SignatureBlock.Decoded.BadCrc.class);

        assertThat(StaticHeader.read(device, false)).contains(BLOCK);
        assertThat(device.bytes()[SECOND + 40]).as("read without repair writes nothing").isNotEqualTo(before[SECOND + 40]);
        assertThat(StaticHeader.read(device, true)).contains(BLOCK);
        assertThat(Arrays.copyOf(device.bytes(), 8192)).isEqualTo(before);
    }

    @Test
    void twoValidCopiesThatDifferResolveToTheLaterInitialisation() throws Exception {
        SignatureBlock later = new SignatureBlock(BLOCK.poolUuid(), BLOCK.deviceUuid(), 8388608, 1, 2032, 6144, 0,
                BLOCK.initTimeSeconds() + 10);
        MemoryBlockAccess device = deviceWith(BLOCK);
        System.arraycopy(later.encode(), 0, device.bytes(), SECOND, 512);

        assertThat(StaticHeader.read(device, true)).contains(later);
        assertThat(Arrays.copyOfRange(device.bytes(), FIRST, FIRST + 512)).isEqualTo(later.encode());
    }

    @Test
    void twoValidCopiesThatDifferAtTheSameTimeAreAnErrorNamingTheDevice() throws Exception {
        SignatureBlock other = new SignatureBlock(BLOCK.poolUuid(), BLOCK.deviceUuid(), 8388608, 1, 2032, 6144, 0,
                BLOCK.initTimeSeconds());
        MemoryBlockAccess device = deviceWith(BLOCK);
        System.arraycopy(other.encode(), 0, device.bytes(), SECOND, 512);
        byte[] before = device.bytes().clone();

        assertThatThrownBy(() -> StaticHeader.read(device, true)).isInstanceOf(MetadataException.class)
                .hasMessageContaining("/dev/test0").hasMessageContaining("disagree");
        assertThat(device.bytes()).isEqualTo(before);
    }

    @Test
    void bothCopiesDamagedIsAnErrorAndNoMagicAtAllIsNotStratis() throws Exception {
        MemoryBlockAccess device = deviceWith(BLOCK);
        device.bytes()[FIRST + 100] ^= 0x10;
        device.bytes()[SECOND + 100] ^= 0x10;
        assertThatThrownBy(() -> StaticHeader.read(device, true)).isInstanceOf(MetadataException.class)
                .hasMessageContaining("/dev/test0").hasMessageContaining("header CRC invalid");

        MemoryBlockAccess foreign = new MemoryBlockAccess("/dev/test1", new byte[1 << 20]);
        Arrays.fill(foreign.bytes(), (byte) 0x5a);
        assertThat(StaticHeader.read(foreign, true)).isEqualTo(Optional.empty());
    }

    @Test
    void anUnknownVersionIsReportedInUpstreamsWords() throws Exception {
        SignatureBlock v3 = new SignatureBlock(BLOCK.poolUuid(), BLOCK.deviceUuid(), 4194304, 3, 2032, 6144, 0, 1700000000L);
        MemoryBlockAccess device = deviceWith(v3);
        assertThatThrownBy(() -> StaticHeader.read(device, false)).hasMessageContaining("Unknown sigblock version: 3");
    }
}
