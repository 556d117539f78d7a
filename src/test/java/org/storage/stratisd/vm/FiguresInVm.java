package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.StratisCalls.o;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;
import static org.storage.stratisd.vm.PoolCalls.F9;
import static org.storage.stratisd.vm.PoolCalls.P9;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * The times the issue asks for, measured in the VM on loop devices (printed as {@code FIGURE}
 * lines; the suite log keeps them): CreatePool on two devices, CreateFilesystems, a snapshot,
 * StopPool, StartPool, and a daemon start that sets up ten pools, once from nothing (as after a
 * reboot: the pools' device-mapper devices are gone, their metadata says started) and once
 * re-attaching them while they run. Each start is checked to have set up or adopted every pool
 * with the tables it had, so the figures are of work actually done.
 */
class FiguresInVm {

    private static final int POOLS = 10;

    private static LoopDevices loops;
    private static final List<Path> devices = new ArrayList<>();
    private static RealDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        loops = new LoopDevices(Guest.scratch("figures"));
        for (int i = 0; i < POOLS + 1; i++) {
            devices.add(loops.attach(loops.image("d" + i + ".img", new byte[0], 10L << 30)));
        }
        // With the device-mapper calls and the programs run timed in its log (kept in the share's logs).
        daemon = RealDaemon.start("figures", "--logging.level.org.storage.stratisd.kernel=debug",
                "--logging.level.org.storage.stratisd.engine.strat.sys=debug");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops);
    }

    @Test
    void operationsAndStartsWithTenPools() throws Exception {
        StratisCalls calls = daemon.calls();
        PoolCalls pools = daemon.pools();
        String poolPath = timed("CreatePool on 2 loop devices", () -> pools.createPool("p0", devices.get(0), devices.get(1)));
        String pool = pools.uuid(poolPath, P9);
        String fsPath = timed("CreateFilesystems (one)", () -> pools.createFilesystem(poolPath, "fs"));
        timed("SnapshotFilesystem", () -> calls.call(poolPath, P9, "SnapshotFilesystem", "os", o(fsPath), "snap").ok());
        Map<String, String> running = Dmsetup.tablesByName();
        // udev probes the new snapshot's device (blkid opens it); a stop meanwhile finds it open and
        // refuses, as it must for a filesystem in use. The figure is the stop itself.
        Guest.run("udevadm", "settle");
        timed("StopPool", () -> {
            pools.stopPool(pool);
            return null;
        });
        timed("StartPool", () -> {
            pools.startPool(pool);
            return null;
        });
        assertThat(withoutLowWater(Dmsetup.tablesByName())).isEqualTo(withoutLowWater(running));

        for (int i = 1; i < POOLS; i++) {
            pools.createFilesystem(pools.createPool("p" + i, devices.get(i + 1)), "fs");
        }
        Map<String, String> tenPools = withoutLowWater(Dmsetup.tablesByName());
        assertThat(tenPools.keySet().stream().filter(n -> n.endsWith("-thinpool-pool"))).hasSize(POOLS);

        daemon.stop();
        daemon.close();
        Dmsetup.removeStack("stratis-1-");
        assertThat(Dmsetup.names()).isEmpty();
        daemon = timed("daemon start setting up 10 pools (start to name owned)", () -> RealDaemon.start("figures-setup"));
        assertThat(withoutLowWater(Dmsetup.tablesByName())).isEqualTo(tenPools);
        assertThat(filesystems()).isEqualTo(POOLS + 1);

        Map<String, String> numbers = Dmsetup.devnums();
        daemon.stop();
        daemon.close();
        daemon = timed("daemon start re-attaching 10 running pools (start to name owned)", () -> RealDaemon.start("figures-adopt"));
        assertThat(Dmsetup.devnums()).isEqualTo(numbers);
        assertThat(filesystems()).isEqualTo(POOLS + 1);
    }

    private static long filesystems() throws Exception {
        return daemon.client().managedObjects().values().stream().filter(i -> i.containsKey(F9)).count();
    }

    /** Tables with every thin pool's low-water mark blanked: a set-up pool has its whole data device as mark (§1.4). */
    private static Map<String, String> withoutLowWater(Map<String, String> tables) {
        Map<String, String> out = new java.util.TreeMap<>();
        tables.forEach((name, table) -> out.put(name, name.endsWith("-thinpool-pool") ? table.replaceFirst(" 2048 \\d+ ", " 2048 _ ")
                .replace(" 3 skip_block_zeroing no_discard_passdown error_if_no_space", " 2 skip_block_zeroing no_discard_passdown")
                : table));
        return out;
    }

    private static <T> T timed(String what, Callable<T> action) throws Exception {
        long start = System.nanoTime();
        T result = action.call();
        System.out.println("FIGURE " + what + ": " + (System.nanoTime() - start) / 1_000_000 + " ms");
        return result;
    }
}
