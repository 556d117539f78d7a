package org.storage.stratisd.udev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.DeviceEvent;
import org.storage.stratisd.lifecycle.ShouldExit;
import org.storage.stratisd.lifecycle.TaskFailed;
import org.storage.stratisd.lifecycle.TaskSupervisor;
import org.storage.stratisd.testsupport.Udevd;

/**
 * The udev task against the real udev daemon: a real block-device event (triggered with udevadm)
 * arrives on the udev channel, and the task ends promptly once should-exit is set.
 */
class UdevMonitorIT {

    private static final Duration POLL = Duration.ofMillis(100);

    @Test
    void aRealBlockEventReachesTheUdevChannel() throws Exception {
        assumeTrue(Udevd.running(), "systemd-udevd is not running here; .ci/run starts it");
        UdevChannel channel = new UdevChannel();
        ShouldExit shouldExit = new ShouldExit();
        List<TaskFailed> failures = new ArrayList<>();
        UdevMonitor monitor = new UdevMonitor(channel, shouldExit, new TaskSupervisor(e -> failures.add((TaskFailed) e)), POLL);
        monitor.start();
        try {
            awaitFirstPoll(monitor);
            int rc = new ProcessBuilder("udevadm", "trigger", "--action=change", "--subsystem-match=block",
                    "--sysname-match=loop0").inheritIO().start().waitFor();
            assertThat(rc).isZero();

            List<DeviceEvent> events = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (events.stream().noneMatch(e -> e.devnode().equals("/dev/loop0")) && System.nanoTime() < deadline) {
                events.addAll(channel.receiveBatch(200, TimeUnit.MILLISECONDS));
            }
            assertThat(events).anySatisfy(e -> {
                assertThat(e.action()).isEqualTo("change");
                assertThat(e.devnode()).isEqualTo("/dev/loop0");
                assertThat(e.properties()).containsEntry("SUBSYSTEM", "block").containsEntry("DEVNAME", "/dev/loop0");
            });
        } finally {
            monitor.stop();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void theTaskEndsOnceShouldExitIsSet() throws Exception {
        UdevChannel channel = new UdevChannel();
        ShouldExit shouldExit = new ShouldExit();
        List<TaskFailed> failures = new ArrayList<>();
        UdevMonitor monitor = new UdevMonitor(channel, shouldExit, new TaskSupervisor(e -> failures.add((TaskFailed) e)), POLL);
        monitor.start();
        awaitFirstPoll(monitor);
        assertThat(monitor.isAlive()).isTrue();

        monitor.stop();

        assertThat(shouldExit.get()).isTrue();
        assertThat(monitor.isAlive()).isFalse();
        assertThat(failures).isEmpty();
    }

    private static void awaitFirstPoll(UdevMonitor monitor) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (monitor.lastPollNanos() == 0) {
            assertThat(System.nanoTime()).as("udev monitor polled within 10 s").isLessThan(deadline);
            assertThat(monitor.isAlive()).as("udev monitor thread alive").isTrue();
            Thread.sleep(10);
        }
    }

}
