package org.storage.stratisd.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DmDevice;
import org.storage.stratisd.engine.strat.dm.TargetLine;
import org.storage.stratisd.kernel.DmIoctlCodec.Command;

/** The {@code dm_ioctl} layout against the offsets and sizes of spec §7.2-7.5. */
class DmIoctlCodecTest {

    @Test
    void theRequestNumbersAreIowrOfTheThreeHundredTwelveByteHeader() {
        assertThat(Command.VERSION.request()).isEqualTo(0xC138FD00L);
        assertThat(Command.TABLE_LOAD.request()).isEqualTo(0xC138FD09L);
        assertThat(Command.TARGET_MSG.request()).isEqualTo(0xC138FD0EL);
        assertThat(Command.DEV_ARM_POLL.request()).isEqualTo(0xC138FD10L);
        assertThat(Command.DEV_ARM_POLL.minor()).isEqualTo(37);
        assertThat(Command.TARGET_MSG.minor()).isEqualTo(2);
    }

    @Test
    void aRequestHeaderHasEveryFieldAtItsOffset() {
        ByteBuffer b = DmIoctlCodec.request(Command.DEV_SUSPEND, 16384, "stratis-1-private-x-flex-mdv", "", 2, 0x4E0D4D12, 3,
                new byte[] {1, 2, 3});
        assertThat(b.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(4);
        assertThat(b.getInt(4)).isZero();
        assertThat(b.getInt(12)).isEqualTo(16384);
        assertThat(b.getInt(16)).isEqualTo(312);
        assertThat(b.getInt(20)).isEqualTo(3);
        assertThat(b.getInt(28)).isEqualTo(2);
        assertThat(b.getInt(32)).isEqualTo(0x4E0D4D12);
        assertThat(DmIoctlCodec.string(b, 48, 128)).isEqualTo("stratis-1-private-x-flex-mdv");
        assertThat(b.get(176)).isZero();
        assertThat(b.get(312)).isEqualTo((byte) 1);
        assertThatThrownBy(() -> DmIoctlCodec.request(Command.DEV_CREATE, 16384, "n".repeat(128), "", 0, 0, 0, new byte[0]))
                .hasMessageContaining("longer than 127 bytes");
    }

    @Test
    void aTableLoadIsSpecsEachFollowedByItsParametersPaddedToEightBytes() {
        byte[] payload = DmIoctlCodec.targets(List.of(new TargetLine(0, 8512, "linear", "253:0 0"),
                new TargetLine(8512, 100, "thin-pool", "253:1 253:2 2048 15360 1 skip_block_zeroing")));
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder());
        assertThat(b.getLong(0)).isZero();
        assertThat(b.getLong(8)).isEqualTo(8512);
        assertThat(b.getInt(20)).isEqualTo(40 + 8);
        assertThat(DmIoctlCodec.string(b, 24, 16)).isEqualTo("linear");
        assertThat(DmIoctlCodec.string(b, 40, 8)).isEqualTo("253:0 0");
        int second = 48;
        assertThat(b.getLong(second)).isEqualTo(8512);
        assertThat(DmIoctlCodec.string(b, second + 24, 16)).isEqualTo("thin-pool");
        assertThat(b.getInt(second + 20)).isEqualTo(40 + 48);
        assertThat(payload.length).isEqualTo(48 + 88);
    }

    @Test
    void aStatusAnswerIsReadWithNextCountedFromThePayload() {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
        b.putInt(12, 312 + 112).putInt(16, 312).putInt(20, 2).putLong(40, new DevNum(253, 4).huge());
        b.putLong(312, 0).putLong(320, 2048).putInt(332, 56);
        b.put(336, "linear".getBytes(StandardCharsets.US_ASCII)).put(352, "7:0 8192 ".getBytes(StandardCharsets.US_ASCII));
        b.putLong(368, 2048).putLong(376, 10).putInt(388, 112);
        b.put(392, "thin".getBytes(StandardCharsets.US_ASCII)).put(408, "0 -".getBytes(StandardCharsets.US_ASCII));
        DmIoctlCodec.Header h = DmIoctlCodec.header(b);
        assertThat(h.dev()).isEqualTo(new DevNum(253, 4));
        assertThat(DmIoctlCodec.readTargets(b, h)).containsExactly(new TargetLine(0, 2048, "linear", "7:0 8192"),
                new TargetLine(2048, 10, "thin", "0 -"));
    }

    @Test
    void aDeviceListHasNamesAtOffsetTwelveAndEventCountersAlignedAfterThem() {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
        b.putInt(12, 312 + 64).putInt(16, 312);
        b.putLong(312, new DevNum(253, 0).huge()).putInt(320, 32).put(324, "ab".getBytes(StandardCharsets.US_ASCII));
        b.putInt(312 + 16, 7);
        b.putLong(344, new DevNum(253, 300).huge()).putInt(352, 0).put(356, "pool".getBytes(StandardCharsets.US_ASCII));
        b.putInt(344 + 24, 9);
        List<DmDevice> devices = DmIoctlCodec.readNames(b, DmIoctlCodec.header(b));
        assertThat(devices).containsExactly(new DmDevice("ab", new DevNum(253, 0), 7), new DmDevice("pool", new DevNum(253, 300), 9));
    }

    @Test
    void anEmptyDeviceListIsEmpty() {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
        b.putInt(12, 312 + 16).putInt(16, 312);
        assertThat(DmIoctlCodec.readNames(b, DmIoctlCodec.header(b))).isEmpty();
    }

    @Test
    void hugeDeviceNumbersRoundTripLikeTheKernelsEncoding() {
        assertThat(new DevNum(253, 4).huge()).isEqualTo(0xFD04L);
        assertThat(new DevNum(7, 300).huge()).isEqualTo((300 & 0xff) | (7 << 8) | ((300L & ~0xff) << 12));
        assertThat(DevNum.fromHuge(new DevNum(259, 70000).huge())).isEqualTo(new DevNum(259, 70000));
    }

    @Test
    void aTargetMessageIsTheSectorThenTheText() {
        ByteBuffer b = ByteBuffer.wrap(DmIoctlCodec.message(0, "create_thin 7")).order(ByteOrder.nativeOrder());
        assertThat(b.getLong(0)).isZero();
        assertThat(DmIoctlCodec.string(b, 8, 64)).isEqualTo("create_thin 7");
        assertThat(b.capacity() % 8).isZero();
    }
}
