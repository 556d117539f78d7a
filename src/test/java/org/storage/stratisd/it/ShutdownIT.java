package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.BusClient.CommandResult;
import org.storage.stratisd.testsupport.DaemonProcess;
import org.storage.stratisd.testsupport.PrivateBus;

/**
 * The daemon as a real process receiving real signals: in-flight calls finish and reply, late calls
 * get an error reply, the exit status is 0; a lost bus is a task failure with exit status 1; a
 * second instance cannot take the name; the root answers as soon as the name is owned.
 */
class ShutdownIT {

    private static final int IN_FLIGHT = 6;
    private static final Duration BOUND = Duration.ofSeconds(60);

    private PrivateBus bus;
    private BusClient client;

    @BeforeEach
    void startBus() throws Exception {
        bus = PrivateBus.start();
        client = new BusClient(bus.address());
    }

    @AfterEach
    void stopBus() throws Exception {
        client.close();
        bus.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void everyCallInFlightRepliesAndTheDaemonExitsZero(String signal) throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(bus.address(), "--log-level", "debug",
                "--stratisd.sim.operation-delay=400ms")) {
            daemon.awaitNameOwned(client, BOUND);
            List<CompletableFuture<CommandResult>> calls = new ArrayList<>();
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(IN_FLIGHT);
            for (int i = 0; i < IN_FLIGHT; i++) {
                String name = "inflight-" + i;
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.createPool(name, "/dev/" + name);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, clients));
            }
            clients.shutdown();
            daemon.awaitLog("Admitted org.storage.stratis3.Manager.r9.CreatePool", IN_FLIGHT, BOUND);
            // With 400 ms per creation under the pool-table lock, all six are admitted well before
            // the first one replies: the signal finds six calls in flight.
            assertThat(daemon.log()).doesNotContain("Released");

            daemon.signal(signal);

            for (CompletableFuture<CommandResult> call : calls) {
                CommandResult result = call.join();
                assertThat(result.exitCode()).as(result.err()).isZero();
                assertThat(result.<Boolean>json("$.data[0][0]")).isTrue();
                assertThat(result.<String>json("$.data[2]")).isEqualTo("Ok");
            }
            assertThat(daemon.awaitExit(BOUND)).isZero();
            assertThat(daemon.log()).contains("SIG" + signal + " received; shutting down").contains("Released org.storage.stratis3");
            assertThat(client.nameHasOwner(BusClient.NAME)).isFalse();
        }
    }

    @Test
    void aCallArrivingAfterShutdownBeganGetsAnErrorReply() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(bus.address(), "--log-level", "debug",
                "--stratisd.sim.operation-delay=2s")) {
            daemon.awaitNameOwned(client, BOUND);
            CompletableFuture<CommandResult> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.createPool("slow", "/dev/slow");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            daemon.awaitLog("Admitted org.storage.stratis3.Manager.r9.CreatePool", 1, BOUND);
            daemon.signal("INT");
            daemon.awaitLog("SIGINT received; shutting down", 1, BOUND);

            CommandResult late = client.busctl("get-property", BusClient.NAME, BusClient.ROOT,
                    "org.storage.stratis3.Manager.r0", "Version");

            assertThat(late.exitCode()).isNotZero();
            assertThat(late.err()).contains("stratisd is shutting down");
            assertThat(slow.join().<String>json("$.data[2]")).isEqualTo("Ok");
            assertThat(daemon.awaitExit(BOUND)).isZero();
        }
    }

    @Test
    void losingTheBusIsATaskFailureAndExitsOne() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(bus.address())) {
            daemon.awaitNameOwned(client, BOUND);

            bus.kill();

            assertThat(daemon.awaitExit(BOUND)).isEqualTo(1);
            assertThat(daemon.log()).contains("Task dbus-connection failed; shutting down")
                    .contains("Lost the D-Bus connection")
                    .contains("Not releasing org.storage.stratis3: the D-Bus connection is already lost");
        }
    }

    @Test
    void aSecondInstanceCannotTakeTheNameAndExitsOne() throws Exception {
        try (DaemonProcess first = DaemonProcess.start(bus.address())) {
            first.awaitNameOwned(client, BOUND);
            try (DaemonProcess second = DaemonProcess.start(bus.address())) {
                assertThat(second.awaitExit(BOUND)).isEqualTo(1);
                assertThat(second.log()).contains("stratisd: failed to start: The D-Bus name org.storage.stratis3 is already owned");
            }
            assertThat(client.get(BusClient.ROOT, "org.storage.stratis3.Manager.r0", "Version")).isEqualTo("3.9.2");
            first.signal("INT");
            assertThat(first.awaitExit(BOUND)).isZero();
        }
    }

    @Test
    void theRootAnswersAsSoonAsTheNameIsOwned() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(bus.address())) {
            daemon.awaitNameOwned(client, BOUND);
            CommandResult first = client.busctl("get-property", BusClient.NAME, BusClient.ROOT,
                    "org.storage.stratis3.Manager.r0", "Version");
            assertThat(first.<String>json("$.data")).isEqualTo("3.9.2");
            daemon.signal("INT");
            assertThat(daemon.awaitExit(BOUND)).isZero();
        }
    }

    @Test
    void theRealEngineWithoutAnExecutableItNeedsRefusesToStartWithUpstreamsMessage() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-Xmx256m", "-jar", System.getProperty("stratisd.jar"),
                "--stratisd.bus-address=" + bus.address(), "--stratisd.real.thin-metadata-size=no_such_tool")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).isEqualTo(1);
        assertThat(output).contains("stratisd: failed to start: Unable to find executable \"no_such_tool\" in any of"
                + " \"/usr/sbin\", \"/sbin\", \"/usr/bin\", \"/bin\"");
    }
}
