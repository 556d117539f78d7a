package org.storage.stratisd.dbus;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MethodCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.storage.stratisd.dbus.api.DbusErrorReply;
import org.storage.stratisd.dbus.api.DbusErrors;
import org.storage.stratisd.dbus.api.common.Results;
import org.storage.stratisd.dbus.publish.ObjectPaths;
import org.storage.stratisd.dbus.wire.IncomingCalls;
import org.storage.stratisd.dbus.wire.ReceivedDescriptors;
import org.storage.stratisd.lifecycle.ShouldExit;
import org.storage.stratisd.metrics.DaemonMetrics;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * The DbusConnectionHandler task: spawns one method task per incoming call and makes sure every
 * call gets exactly one reply.
 *
 * <p>Tasks run on virtual threads, at most {@code concurrency} at a time (the seed's bound of 512
 * blocking tasks), started by {@link MethodAdmission}: a call beyond the bound waits (by default in
 * its sender's queue, senders served round-robin), it is never dropped, and the connection's reader
 * thread never blocks on it.
 *
 * <p>Start: registers the root object and the pools running at start-up in the tree and routes calls
 * here, then requests the bus name (so the first call a client can make finds them). Shutdown begins the moment
 * {@link ShouldExit} is set (a signal or a failed task), before the context starts stopping beans:
 * from then on calls are answered with an error at once. {@link #stop()} waits until every task
 * already admitted has run to completion and replied, then releases the name. Admission and the
 * in-flight count are guarded by {@link #admission}, so no call can be admitted after
 * {@link #stop()} has seen the count.
 */
public final class DbusConnectionHandler implements SmartLifecycle, IncomingCalls {

    /**
     * Starts last and stops first of the daemon's tasks, and between the web server's two phases
     * (start/stop at {@code MAX_VALUE - 2048}, graceful shutdown at {@code MAX_VALUE - 1024}): the
     * management server is up before the name is requested and stays up while calls drain, so the
     * probes can say "not ready" during start-up and shutdown instead of refusing connections.
     */
    public static final int PHASE = Integer.MAX_VALUE - 1536;
    private static final Logger log = LoggerFactory.getLogger(DbusConnectionHandler.class);
    /** Shutdown does not wait longer than this for the bus to confirm the name is released. */
    private static final Duration NAME_RELEASE_TIMEOUT = Duration.ofSeconds(2);

    private final BusConnection bus;
    private final CallRouter router;
    private final DbusChannel channel;
    private final List<TreeUpdate> registrations;
    private final Duration shutdownGrace;
    private final long maxMessageBytes;
    private final ShouldExit shouldExit;
    private final DaemonMetrics metrics;
    /** Starts the admitted tasks, within the bound. */
    private final MethodAdmission tasks;
    private final Object admission = new Object();
    /** Guarded by {@link #admission}. */
    private boolean accepting;
    /** Guarded by {@link #admission}; admitted tasks that have not yet replied. */
    private int inFlight;
    private volatile boolean running;

    /**
     * Creates the handler.
     *
     * @param bus              the connection
     * @param router           answers calls
     * @param channel          the dbus channel (for the root's registration)
     * @param registrations    the root object's and the start-up pools' tree updates
     * @param tasks            starts method tasks, at most so many at once
     * @param shutdownGrace    how long stop waits for in-flight tasks
     * @param maxMessageBytes  the bus's message size limit; larger replies become LimitsExceeded errors
     * @param shouldExit       once set, no call is admitted
     * @param metrics          where each answered call is reported
     */
    public DbusConnectionHandler(BusConnection bus, CallRouter router, DbusChannel channel,
                                 List<TreeUpdate> registrations, MethodAdmission tasks, Duration shutdownGrace, long maxMessageBytes,
                                 ShouldExit shouldExit, DaemonMetrics metrics) {
        this.bus = bus;
        this.router = router;
        this.channel = channel;
        this.registrations = List.copyOf(registrations);
        this.shutdownGrace = shutdownGrace;
        this.maxMessageBytes = maxMessageBytes;
        this.shouldExit = shouldExit;
        this.metrics = metrics;
        this.tasks = tasks;
    }

    @Override
    public void start() {
        channel.send(registrations).join();
        synchronized (admission) {
            accepting = true;
        }
        bus.route(this);
        try {
            bus.requestName(ObjectPaths.BUS_NAME);
        } catch (DBusException e) {
            throw new IllegalStateException("Could not request the D-Bus name " + ObjectPaths.BUS_NAME, e);
        }
        running = true;
        log.info("D-Bus API is available: {} on {}", ObjectPaths.BUS_NAME, bus.address());
    }

    @Override
    public void stop() {
        int left;
        synchronized (admission) {
            accepting = false;
            long deadline = System.nanoTime() + shutdownGrace.toNanos();
            while (inFlight > 0 && System.nanoTime() < deadline) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(admission, deadline - System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            left = inFlight;
        }
        if (left > 0) {
            log.warn("{} method calls still running after the shutdown grace of {}", left, shutdownGrace);
        }
        bus.releaseName(ObjectPaths.BUS_NAME, NAME_RELEASE_TIMEOUT);
        running = false;
        log.info("Released {}", ObjectPaths.BUS_NAME);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * The number of admitted method tasks that have not replied yet.
     *
     * @return the count
     */
    public int inFlight() {
        synchronized (admission) {
            return inFlight;
        }
    }

    /**
     * The number of admitted method tasks waiting for a slot (all 512 taken).
     *
     * @return the count
     */
    public int waiting() {
        return tasks.waiting();
    }

    @Override
    public void accept(MethodCall call) {
        synchronized (admission) {
            if (!accepting || shouldExit.get()) {
                reply(call, Replies.error(bus, call, DbusErrors.FAILED,
                        "stratisd is shutting down; " + call.getInterface() + "." + call.getName() + " was not run"));
                ReceivedDescriptors.close(call);
                return;
            }
            inFlight++;
        }
        log.debug("Admitted {}.{} on {} (serial {})", call.getInterface(), call.getName(), call.getPath(), call.getSerial());
        if (answeredOnTheReader(call)) {
            runTask(call);
            return;
        }
        String sender = call.getSource() == null ? "" : call.getSource();
        tasks.submit(sender, "dbus-call-" + call.getSerial(), () -> runTask(call));
    }

    /**
     * Whether a call is answered on the connection's reader thread rather than by a method task:
     * {@code Properties.Get} and {@code GetAll} and {@code Peer.Ping}, reads that take only the
     * tree's read lock (never an engine lock) and build a small reply. A task costs them more than
     * their answer (a virtual thread started and scheduled, a permit), and they need nothing a task
     * gives: they cannot wait on a pool, and their reply still goes through the connection's one
     * queue, behind the signals of every change they can see. The reader may wait on the send
     * budget when 64 MiB are queued; it then stops reading until the bus catches up, which the
     * bus does without reading from us.
     */
    private static boolean answeredOnTheReader(MethodCall call) {
        String iface = call.getInterface();
        String member = call.getName();
        return (CallRouter.PROPERTIES.equals(iface) && ("Get".equals(member) || "GetAll".equals(member)))
                || (CallRouter.PEER.equals(iface) && "Ping".equals(member));
    }

    private void runTask(MethodCall call) {
        try {
            try {
                long start = System.nanoTime();
                Message reply = answer(call);
                reply(call, reply);
                report(call, reply, System.nanoTime() - start);
            } finally {
                ReceivedDescriptors.close(call);
            }
        } finally {
            synchronized (admission) {
                inFlight--;
                admission.notifyAll();
            }
        }
    }

    private Message answer(MethodCall call) {
        try {
            CallRouter.Reply reply = router.route(call);
            return Replies.success(bus, call, reply.signature(), maxMessageBytes, reply.values());
        } catch (DbusErrorReply e) {
            return Replies.error(bus, call, e.errorName(), e.getMessage());
        } catch (Exception | Error e) {
            log.error("Method task {}.{} on {} failed", call.getInterface(), call.getName(), call.getPath(), e);
            return Replies.error(bus, call, DbusErrors.FAILED,
                    "Internal error in " + call.getInterface() + "." + call.getName() + ": " + e);
        }
    }

    /** Reports a call; unknown interfaces and methods are counted together, so clients cannot inflate the series. */
    private void report(MethodCall call, Message reply, long nanos) {
        String outcome;
        boolean known = true;
        if (reply instanceof org.freedesktop.dbus.messages.Error error) {
            outcome = "dbus_error";
            String name = error.getName();
            known = !(DbusErrors.UNKNOWN_METHOD.equals(name) || DbusErrors.UNKNOWN_INTERFACE.equals(name)
                    || DbusErrors.UNKNOWN_OBJECT.equals(name));
        } else {
            outcome = Results.failedReturnCode(reply) ? "rc_error" : "ok";
        }
        metrics.methodCall(known ? String.valueOf(call.getInterface()) : "unknown", known ? call.getName() : "unknown", outcome, nanos);
    }

    private void reply(MethodCall call, Message reply) {
        if (Replies.wantsReply(call)) {
            bus.send(reply);
        }
    }
}
