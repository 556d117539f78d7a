package org.storage.stratisd.dbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.freedesktop.dbus.messages.Error;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.dbus.api.DbusErrors;
import org.storage.stratisd.dbus.api.InterfaceDefinition;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Arg;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Method;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.dbus.publish.SignalEmitter;
import org.storage.stratisd.lifecycle.ShouldExit;
import org.storage.stratisd.lifecycle.TaskSupervisor;
import org.storage.stratisd.metrics.DaemonMetrics;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.PrivateBus;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.DbusTreeHandler;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * The connection handler on a real bus with test methods: a task that throws costs only its own
 * caller an error reply, no more than the configured number of tasks ever run at once while
 * every call still gets its reply, and reads of the tree are answered even when every slot is taken.
 */
class DbusConnectionHandlerIT {

    private static final String IFACE = "org.storage.stratis3.Test.r0";
    private static final int CONCURRENCY = 3;
    private static final long MAX_MESSAGE_BYTES = 65_536;

    private final AtomicInteger running = new AtomicInteger();
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    private final AtomicInteger maxRunning = new AtomicInteger();
    private PrivateBus bus;
    private BusConnection connection;
    private DbusTreeHandler treeHandler;
    private DbusConnectionHandler handler;
    private BusClient client;

    @BeforeEach
    void start() throws Exception {
        bus = PrivateBus.start();
        TaskSupervisor supervisor = new TaskSupervisor(event -> { });
        connection = new BusConnection(bus.address(), supervisor);
        DbusTree tree = new DbusTree(DaemonMetrics.NONE);
        DbusChannel channel = new DbusChannel();
        treeHandler = new DbusTreeHandler(channel, tree, new SignalEmitter(connection), supervisor, DaemonMetrics.NONE);
        treeHandler.start();
        InterfaceDefinition test = new InterfaceDefinition(IFACE, 0, List.of(
                new Method("Boom", List.of(), List.of(new Arg("result", "s")), (call, args) -> {
                    throw new IllegalStateException("engine bug");
                }),
                new Method("Hold", List.of(), List.of(new Arg("result", "s")), (call, args) -> {
                    running.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return new Object[] {"held"};
                }),
                new Method("Slow", List.of(new Arg("value", "s")), List.of(new Arg("result", "s")), (call, args) -> {
                    int now = running.incrementAndGet();
                    maxRunning.accumulateAndGet(now, Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return new Object[] {args[0]};
                })), List.of());
        SequencedMap<String, Map<String, Variant<?>>> ifaces = new LinkedHashMap<>();
        ifaces.put(IFACE, Map.of());
        TreeUpdate root = new TreeUpdate.AddObject(ObjectPaths.ROOT, ObjectKind.ROOT, new UUID(0, 0), "", ifaces);
        handler = new DbusConnectionHandler(connection, new CallRouter(tree, new InterfaceRegistry(List.of(test), List.of()), connection),
                channel, List.of(root), new MethodAdmission(CONCURRENCY, MethodAdmission.Order.PER_SENDER), Duration.ofSeconds(30), MAX_MESSAGE_BYTES, new ShouldExit(), DaemonMetrics.NONE);
        handler.start();
        client = new BusClient(bus.address());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        handler.stop();
        treeHandler.stop();
        connection.destroy();
        bus.close();
    }

    @Test
    void aThrowingTaskAnswersOnlyItsCallerWithAnErrorAndServiceGoesOn() throws Exception {
        Message boom = client.call(ObjectPaths.ROOT, IFACE, "Boom", "");
        Message ok = client.call(ObjectPaths.ROOT, IFACE, "Slow", "s", "still here");

        assertThat(boom).isInstanceOf(Error.class);
        assertThat(((Error) boom).getName()).isEqualTo(DbusErrors.FAILED);
        assertThat(((Error) boom).getParameters()[0].toString())
                .isEqualTo("Internal error in " + IFACE + ".Boom: java.lang.IllegalStateException: engine bug");
        assertThat(ok.getParameters()).containsExactly("still here");
        assertThat(handler.inFlight()).isZero();
    }

    @Test
    void readsOfTheTreeAreAnsweredWhileEveryTaskSlotIsTaken() throws Exception {
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(CONCURRENCY + 1);
        try {
            List<CompletableFuture<Message>> holders = new ArrayList<>();
            for (int i = 0; i < CONCURRENCY + 1; i++) {
                holders.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.call(ObjectPaths.ROOT, IFACE, "Hold", "");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, clients));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((running.get() < CONCURRENCY || handler.waiting() < 1) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(running.get()).as("every slot held").isEqualTo(CONCURRENCY);
            assertThat(handler.waiting()).as("one more call waiting for a slot").isEqualTo(1);

            // Answered on the reader thread: neither queued behind the held slots nor behind the waiting call.
            Message all = client.call(ObjectPaths.ROOT, "org.freedesktop.DBus.Properties", "GetAll", "s", IFACE);
            Message ping = client.call(ObjectPaths.ROOT, "org.freedesktop.DBus.Peer", "Ping", "");

            assertThat(all).isNotInstanceOf(Error.class);
            assertThat(all.getParameters()).containsExactly(Map.of());
            assertThat(ping).isNotInstanceOf(Error.class);
            assertThat(running.get()).as("the holders still hold their slots").isEqualTo(CONCURRENCY);
            release.countDown();
            for (CompletableFuture<Message> holder : holders) {
                assertThat(holder.get(30, java.util.concurrent.TimeUnit.SECONDS).getParameters()).containsExactly("held");
            }
            assertThat(handler.inFlight()).isZero();
        } finally {
            release.countDown();
            clients.shutdownNow();
        }
    }

    @Test
    void aReplyLargerThanTheBusAcceptsIsAnErrorAndTheConnectionStays() throws Exception {
        Message tooLarge = client.call(ObjectPaths.ROOT, IFACE, "Slow", "s", "x".repeat(100_000));
        Message ok = client.call(ObjectPaths.ROOT, IFACE, "Slow", "s", "y".repeat(60_000));

        assertThat(tooLarge).isInstanceOf(Error.class);
        assertThat(((Error) tooLarge).getName()).isEqualTo(DbusErrors.LIMITS_EXCEEDED);
        assertThat(((Error) tooLarge).getParameters()[0].toString())
                .matches("The reply to Slow would be 1000\\d\\d bytes, more than the bus accepts in one message \\(65536 bytes\\)");
        assertThat(ok.getParameters()).containsExactly("y".repeat(60_000));
        assertThat(connection.isConnected()).isTrue();
    }

    @RepeatedTest(3)
    void neverRunsMoreTasksThanTheBoundAndAnswersEveryCall() throws Exception {
        List<CompletableFuture<Message>> calls = new ArrayList<>();
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(16);
        for (int i = 0; i < 40; i++) {
            String value = "v" + i;
            boolean boom = i % 7 == 0;
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return boom ? client.call(ObjectPaths.ROOT, IFACE, "Boom", "")
                            : client.call(ObjectPaths.ROOT, IFACE, "Slow", "s", value);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, clients));
        }
        clients.shutdown();
        for (int i = 0; i < calls.size(); i++) {
            Message reply = calls.get(i).join();
            if (i % 7 == 0) {
                assertThat(reply).isInstanceOf(Error.class);
            } else {
                assertThat(reply.getParameters()).containsExactly("v" + i);
            }
        }
        assertThat(maxRunning.get()).as("the bound was reached and never exceeded").isEqualTo(CONCURRENCY);
        // A task counts itself out after its reply is written, so the last reply can arrive a moment
        // before the count reaches zero; it must get there.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (handler.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(handler.inFlight()).isZero();
    }
}
