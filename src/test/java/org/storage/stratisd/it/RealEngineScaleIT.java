package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storage.stratisd.engine.strat.DeviceInventory;
import org.storage.stratisd.engine.strat.assembly.PoolPlan;
import org.storage.stratisd.engine.strat.backstore.PoolInitializer;
import org.storage.stratisd.engine.strat.backstore.ThinMetadataSizeTool;
import org.storage.stratisd.engine.strat.identify.BlkidSignatures;
import org.storage.stratisd.engine.strat.identify.DeviceProber;
import org.storage.stratisd.engine.strat.identify.DeviceScanner;
import org.storage.stratisd.testsupport.LoopDevices;

/**
 * One hundred loop devices in ten pools written by our initializer, then the real engine's start-up
 * scan (every block device of the machine probed, members identified, pools planned), timed. The
 * time is reported, not asserted (the figure for the note); what is asserted is that every
 * pool is found whole and ready.
 */
class RealEngineScaleIT {

    private static final int POOLS = 10;
    private static final int DEVICES_PER_POOL = 10;
    private static final int RUNS = 5;

    @TempDir
    Path dir;

    @Test
    void identifyingAndPlanningAHundredDevices() throws Exception {
        assumeTrue(LoopDevices.available(), "needs root and losetup to attach loop devices");
        DeviceProber prober = new DeviceProber(new BlkidSignatures("blkid"), Path.of("/sys"), Path.of("/proc"));
        PoolInitializer initializer = new PoolInitializer(prober, new ThinMetadataSizeTool("thin_metadata_size"),
                Clock.systemUTC(), UUID::randomUUID, new SecureRandom());
        try (LoopDevices loops = new LoopDevices(dir)) {
            List<UUID> created = new ArrayList<>();
            for (int p = 0; p < POOLS; p++) {
                List<Path> devices = new ArrayList<>();
                for (int d = 0; d < DEVICES_PER_POOL; d++) {
                    devices.add(loops.attach(loops.image("p" + p + "d" + d + ".img", new byte[0], 1L << 30)));
                }
                created.add(initializer.create("scale" + p, devices).poolUuid());
            }

            long[] millis = new long[RUNS];
            List<PoolPlan> plans = List.of();
            for (int run = 0; run < RUNS; run++) {
                DeviceInventory inventory = new DeviceInventory(prober, new DeviceScanner(Path.of("/sys"), Path.of("/dev")));
                long start = System.nanoTime();
                inventory.scan();
                plans = inventory.plan(uuid -> false);
                millis[run] = (System.nanoTime() - start) / 1_000_000;
            }

            List<PoolPlan> ours = plans.stream().filter(p -> created.contains(p.poolUuid())).toList();
            assertThat(ours).hasSize(POOLS);
            assertThat(ours).allSatisfy(p -> {
                assertThat(p.decision()).isInstanceOf(PoolPlan.Decision.Ready.class);
                assertThat(p.devices()).hasSize(DEVICES_PER_POOL);
            });
            long[] sorted = millis.clone();
            Arrays.sort(sorted);
            String line = String.format("scan of %d block devices (%d Stratis members in %d pools): median %d ms of %d runs %s",
                    new DeviceScanner(Path.of("/sys"), Path.of("/dev")).devices().size(), POOLS * DEVICES_PER_POOL, POOLS,
                    sorted[RUNS / 2], RUNS, Arrays.toString(millis));
            System.out.println(line);
            Files.writeString(Path.of("target", "real-engine-scan.txt"), line + "\n");
        }
    }
}
