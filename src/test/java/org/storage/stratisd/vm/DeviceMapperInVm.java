package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DeviceMapper.UdevRules;
import org.storage.stratisd.engine.strat.dm.DmDevice;
import org.storage.stratisd.engine.strat.dm.DmException;
import org.storage.stratisd.engine.strat.dm.DmInfo;
import org.storage.stratisd.engine.strat.dm.TargetLine;
import org.storage.stratisd.engine.strat.dm.ThinPoolStatus;
import org.storage.stratisd.engine.strat.dm.ThinStatus;
import org.storage.stratisd.kernel.DmIoctlDeviceMapper;
import org.storage.stratisd.testsupport.LoopDevices;

/**
 * The ioctl layer on a real kernel: what it creates, loads and messages is what {@code dmsetup}
 * (an independent observer) then sees, and udev has run when a resume returns.
 */
class DeviceMapperInVm {

    private static LoopDevices loops;
    private static Path data;
    private static Path meta;
    private static DmIoctlDeviceMapper dm;

    @BeforeAll
    static void loopDevices() throws Exception {
        loops = new LoopDevices(Guest.scratch("dm"));
        data = loops.attach(loops.image("data.img", new byte[0], 1L << 30));
        meta = loops.attach(loops.image("meta.img", new byte[0], 64L << 20));
        dm = DmIoctlDeviceMapper.open();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (String name : List.of("t-thin", "t-pool", "t-meta", "t-data", "t-linear", "t-renamed")) {
            if (dm.info(name).isPresent()) {
                dm.remove(name);
            }
        }
        dm.close();
        loops.close();
    }

    @Test
    void theKernelSpeaksAtLeastVersionFourThirtySeven() throws Exception {
        int[] version = dm.version();
        assertThat(version[0]).isEqualTo(4);
        assertThat(version[1]).isGreaterThanOrEqualTo(37);
    }

    @Test
    void aLinearDeviceIsCreatedLoadedResumedAndSeenByDmsetupAndUdev() throws Exception {
        DevNum loop = Guest.devNum(data);
        DevNum created = dm.create("t-linear", "t-linear");
        dm.load("t-linear", List.of(new TargetLine(0, 2048, "linear", loop + " 8192"),
                new TargetLine(2048, 1024, "linear", loop + " 100000")));
        dm.resume("t-linear", UdevRules.NORMAL);
        assertThat(Path.of("/dev/mapper/t-linear")).exists();
        assertThat(Guest.run("dmsetup", "table", "t-linear"))
                .isEqualTo("0 2048 linear " + loop + " 8192\n2048 1024 linear " + loop + " 100000\n");
        assertThat(dm.table("t-linear")).containsExactly(new TargetLine(0, 2048, "linear", loop + " 8192"),
                new TargetLine(2048, 1024, "linear", loop + " 100000"));
        DmInfo info = dm.info("t-linear").orElseThrow();
        assertThat(info.devNum()).isEqualTo(created);
        assertThat(info.uuid()).isEqualTo("t-linear");
        assertThat(info.activeTable()).isTrue();
        assertThat(info.suspended()).isFalse();
        assertThat(Guest.run("dmsetup", "info", "-c", "--noheadings", "-o", "major,minor,uuid", "t-linear").strip())
                .isEqualTo(created.major() + ":" + created.minor() + ":t-linear");
        assertThat(dm.list()).extracting(DmDevice::name).contains("t-linear");

        dm.rename("t-linear", "t-renamed");
        assertThat(Path.of("/dev/mapper/t-renamed")).exists();
        assertThat(Path.of("/dev/mapper/t-linear")).doesNotExist();
        dm.remove("t-renamed");
        assertThat(dm.info("t-renamed")).isEmpty();
        assertThat(Path.of("/dev/mapper/t-renamed")).doesNotExist();
    }

    @Test
    void aThinPoolTakesMessagesReportsStatusAndRaisesEvents() throws Exception {
        DevNum dataNum = dm.create("t-data", "t-data");
        dm.load("t-data", List.of(new TargetLine(0, 1L << 21, "linear", Guest.devNum(data) + " 0")));
        dm.resume("t-data", UdevRules.PRIVATE);
        DevNum metaNum = dm.create("t-meta", "t-meta");
        dm.load("t-meta", List.of(new TargetLine(0, 1L << 17, "linear", Guest.devNum(meta) + " 0")));
        dm.resume("t-meta", UdevRules.PRIVATE);
        Files.write(Path.of(metaNum.dmNode()), new byte[4096]);
        DevNum pool = dm.create("t-pool", "t-pool");
        long blocks = (1L << 21) / 2048;
        dm.load("t-pool", List.of(new TargetLine(0, 1L << 21, "thin-pool",
                metaNum + " " + dataNum + " 2048 " + (blocks - 2) + " 2 no_discard_passdown skip_block_zeroing")));
        dm.resume("t-pool", UdevRules.PRIVATE);
        ThinPoolStatus status = ThinPoolStatus.parse(dm.status("t-pool").getFirst().params());
        assertThat(status.totalData()).isEqualTo(blocks);
        assertThat(status.usedData()).isZero();
        assertThat(status.errorIfNoSpace()).isFalse();
        assertThat(dm.table("t-pool").getFirst().params()).startsWith(metaNum + " " + dataNum + " 2048 " + (blocks - 2) + " 2 ");

        assertThat(dm.message("t-pool", 0, "create_thin 0")).isEmpty();
        assertThatThrownBy(() -> dm.message("t-pool", 0, "create_thin 0")).isInstanceOf(DmException.class)
                .hasMessageContaining("t-pool");
        dm.create("t-thin", "t-thin");
        dm.load("t-thin", List.of(new TargetLine(0, 1L << 22, "thin", pool + " 0")));
        dm.resume("t-thin", UdevRules.NORMAL);
        long before = dm.info("t-pool").map(DmInfo::eventNr).orElseThrow();
        while (dm.awaitEvent(Duration.ZERO)) {
            // drain what creating the devices raised
        }
        Thread writer = Thread.ofPlatform().start(() -> Guest.run("dd", "if=/dev/zero", "of=/dev/mapper/t-thin", "bs=1M",
                "count=6", "oflag=direct", "status=none"));
        assertThat(dm.awaitEvent(Duration.ofSeconds(60))).as("the low-water mark raises a device-mapper event").isTrue();
        writer.join();
        assertThat(dm.info("t-pool").map(DmInfo::eventNr).orElseThrow()).isGreaterThan(before);
        ThinStatus thin = ThinStatus.parse(dm.status("t-thin").getFirst().params());
        assertThat(thin.mappedSectors()).isGreaterThanOrEqualTo(6L * 2048);

        dm.suspend("t-thin");
        assertThat(dm.info("t-thin").map(DmInfo::suspended)).contains(true);
        dm.resume("t-thin", UdevRules.NORMAL);
        dm.remove("t-thin");
        assertThat(dm.message("t-pool", 0, "delete 0")).isEmpty();
        Optional<DmInfo> gone = dm.info("t-thin");
        assertThat(gone).isEmpty();
    }

    @Test
    void aDeviceThatStaysBusyIsRefusedNamingItAndOneBusyForAMomentIsRemovedOnARetry() throws Exception {
        dm.create("t-linear", "t-linear");
        dm.load("t-linear", List.of(new TargetLine(0, 2048, "linear", Guest.devNum(data) + " 0")));
        dm.resume("t-linear", UdevRules.PRIVATE);
        try (var open = Files.newByteChannel(Path.of("/dev/mapper/t-linear"))) {
            assertThatThrownBy(() -> dm.remove("t-linear")).isInstanceOf(DmException.class)
                    .hasMessageContaining("DM_DEV_REMOVE of t-linear").hasMessageContaining("busy")
                    .satisfies(e -> assertThat(((DmException) e).errno()).isEqualTo(DmException.EBUSY));
        }
        var held = Files.newByteChannel(Path.of("/dev/mapper/t-linear"));
        Thread release = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(300);
                held.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        dm.remove("t-linear");
        release.join();
        assertThat(dm.info("t-linear")).isEmpty();
    }
}
