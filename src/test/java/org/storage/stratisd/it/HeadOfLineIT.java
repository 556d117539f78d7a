package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.BusClient.ROOT;
import static org.storage.stratisd.testsupport.StratisCalls.createArgs;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.freedesktop.dbus.DBusPath;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.RunningDaemon;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * A slow write on one pool holds up nothing else with per-pool locking: reads of any pool (from the
 * tree, no engine lock) and writes on another pool complete while it runs. With the seed's single
 * engine mutex, the write on the other pool waits for it. Checked by order of completion, not by
 * timing thresholds.
 */
class HeadOfLineIT {

    private static final String M9 = "org.storage.stratis3.Manager.r9";
    private static final String P9 = "org.storage.stratis3.pool.r9";
    private static final String F9 = "org.storage.stratis3.filesystem.r9";

    private record Setup(RunningDaemon running, StratisCalls calls, String poolA, String poolB, String fsB) {
    }

    private static Setup setUp(String locking) throws Exception {
        RunningDaemon running = RunningDaemon.start("--log-level", "debug", "--stratisd.locking=" + locking,
                "--stratisd.sim.filesystem-creation-delay=3s");
        StratisCalls calls = new StratisCalls(running.client());
        String a = path(calls.call(ROOT, M9, "CreatePool", BusClient.CREATE_POOL_R9, createArgs("A", List.of("/dev/a"))).ok());
        String b = path(calls.call(ROOT, M9, "CreatePool", BusClient.CREATE_POOL_R9, createArgs("B", List.of("/dev/b"))).ok());
        String fsB = ((DBusPath) ((Object[]) ((List<?>) calls.call(b, P9, "CreateFilesystems", "a(s(bs)(bs))",
                one(s("fb", s(false, ""), s(false, "")))).ok().struct()[1]).getFirst())[0]).getPath();
        return new Setup(running, calls, a, b, fsB);
    }

    private static String path(StratisCalls.Result created) {
        return ((DBusPath) ((Object[]) created.struct()[1])[0]).getPath();
    }

    private static CompletableFuture<StratisCalls.Result> slowCreation(Setup setup) throws Exception {
        int admittedBefore = occurrences(setup.running().daemon().log(), "Admitted " + P9 + ".CreateFilesystems");
        CompletableFuture<StratisCalls.Result> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return setup.calls().call(setup.poolA(), P9, "CreateFilesystems", "a(s(bs)(bs))",
                        one(s("slow", s(false, ""), s(false, ""))));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        setup.running().daemon().awaitLog("Admitted " + P9 + ".CreateFilesystems", admittedBefore + 1, Duration.ofSeconds(30));
        Thread.sleep(200);
        return slow;
    }

    private static int occurrences(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void withPerPoolLocksReadsAndOtherPoolWritesDoNotWaitForASlowWrite() throws Exception {
        Setup setup = setUp("per-pool");
        try (RunningDaemon running = setup.running()) {
            CompletableFuture<StratisCalls.Result> slow = slowCreation(setup);

            assertThat(setup.calls().get(setup.poolA(), P9, "Name")).isEqualTo("A");
            assertThat(setup.calls().get(setup.poolB(), P9, "Name")).isEqualTo("B");
            assertThat(running.client().managedPaths()).contains(setup.poolA(), setup.poolB());
            assertThat(setup.calls().call(setup.fsB(), F9, "SetName", "s", "renamed-while-A-is-busy").ok().struct()[0]).isEqualTo(true);

            assertThat(slow.isDone()).as("the slow creation on A is still running").isFalse();
            assertThat(slow.join().ok().struct()[0]).isEqualTo(true);
        }
    }

    @Test
    void withTheEngineMutexAWriteOnAnotherPoolWaitsForTheSlowWrite() throws Exception {
        Setup setup = setUp("engine-mutex");
        try (RunningDaemon running = setup.running()) {
            CompletableFuture<StratisCalls.Result> slow = slowCreation(setup);

            assertThat(setup.calls().get(setup.poolB(), P9, "Name")).as("reads still come from the tree").isEqualTo("B");
            assertThat(slow.isDone()).isFalse();
            long start = System.nanoTime();
            setup.calls().call(setup.fsB(), F9, "SetName", "s", "renamed-after-A").ok();
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;

            // The creation on A takes 3 s and was admitted about 0.2 s before the rename was sent;
            // a rename that does not wait answers in milliseconds. (Whether the other client
            // thread has seen the creation's reply yet is a race on the client side, so the wait
            // itself is what is checked.)
            assertThat(waitedMillis).as("the rename on B waited for the slow creation on A").isGreaterThan(1_500);
            assertThat(slow.get(10, java.util.concurrent.TimeUnit.SECONDS).ok().struct()[0]).isEqualTo(true);
        }
    }
}
