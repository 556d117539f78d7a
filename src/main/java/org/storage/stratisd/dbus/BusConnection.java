package org.storage.stratisd.dbus;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.freedesktop.dbus.connections.IDisconnectCallback;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.messages.MessageFactory;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.types.UInt32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.storage.stratisd.dbus.api.DbusErrors;
import org.storage.stratisd.dbus.wire.CallInterception;
import org.storage.stratisd.dbus.wire.IncomingCalls;
import org.storage.stratisd.dbus.wire.MessageSink;
import org.storage.stratisd.dbus.wire.SendBudget;
import org.storage.stratisd.lifecycle.TaskSupervisor;

/**
 * The daemon's connection to the bus. It connects when created (before any task starts), so that
 * the tree handler can send signals and the connection handler can request the name; it
 * disconnects last, when the context is destroyed after every task stopped.
 *
 * <p>Incoming method calls are taken off the connection's reader (see {@link CallInterception}) and
 * go to whatever {@link #route(IncomingCalls)} set; until then they are answered with
 * {@code UnknownObject}. A connection lost while the daemon runs is a failure of a long-lived task:
 * the daemon shuts down with status 1.
 */
public final class BusConnection implements DisposableBean, MessageSink {

    private static final Logger log = LoggerFactory.getLogger(BusConnection.class);
    private static final String BUS_NAME = "org.freedesktop.DBus";
    private static final String BUS_PATH = "/org/freedesktop/DBus";
    private static final int NAME_FLAG_DO_NOT_QUEUE = 4;
    private static final int NAME_REPLY_PRIMARY_OWNER = 1;

    /**
     * At most this many bytes of messages wait in the connection's outgoing queue; a sender waits
     * beyond that ({@link SendBudget}), so a bus that reads slowly cannot make the queue exhaust the heap.
     */
    static final long SEND_BUDGET_BYTES = 64L << 20;

    private final String address;
    private final SendBudget budget = new SendBudget(SEND_BUDGET_BYTES);
    private final DBusConnection connection;
    private final DBus bus;
    /** Where calls go; written once by the connection handler, read by the reader thread. */
    private volatile IncomingCalls route;
    private volatile boolean closing;
    private final TaskSupervisor supervisor;
    /**
     * Set once, by whichever thread first saw the connection break (the reader, the sender, or
     * dbus-java's disconnect callback); nothing sent after that can arrive. The winner of the
     * compare-and-set alone reports the loss, so the daemon is told exactly once.
     */
    private final AtomicBoolean lost = new AtomicBoolean();

    /**
     * Connects to the bus.
     *
     * @param address    the bus address, e.g. {@code unix:path=/run/dbus/system_bus_socket}
     * @param supervisor told when the connection is lost while the daemon runs
     * @throws Exception if the bus cannot be reached or the intercepting reader was not installed
     */
    public BusConnection(String address, TaskSupervisor supervisor) throws Exception {
        this.address = address;
        this.supervisor = supervisor;
        this.route = this::unknownObject;
        IDisconnectCallback onLoss = new IDisconnectCallback() {
            @Override
            public void disconnectOnError(IOException cause) {
                connectionLost(cause);
            }
        };
        this.connection = CallInterception.build(call -> route.accept(call), budget, this::connectionLost, () -> {
            try {
                return DBusConnectionBuilder.forAddress(address)
                        .withShared(false)
                        .withDisconnectCallback(onLoss)
                        .build();
            } catch (RuntimeException e) {
                if (String.valueOf(e.getMessage()).contains("MachineId")) {
                    // dbus-java reads the machine id for every connection and says "Session Bus" even for the system bus.
                    // Not chained: the library's own message would be what the operator reads first.
                    throw new IllegalStateException("D-Bus needs a machine id and none was found (/etc/machine-id,"
                            + " /var/lib/dbus/machine-id); in a container, mount the host's /etc/machine-id read-only");
                }
                throw e;
            }
        });
        this.bus = connection.getRemoteObject(BUS_NAME, BUS_PATH, DBus.class);
        log.info("Connected to D-Bus at {} as {}", address, connection.getUniqueName());
    }

    /**
     * The connection broke: senders waiting on the budget go on (nothing will be written), and,
     * unless the daemon is closing the connection itself, the loss stops the daemon with status 1.
     * Called from the reader thread, the sender thread or dbus-java's callback, each possibly more
     * than once; only the first call acts.
     */
    private void connectionLost(IOException cause) {
        if (!lost.compareAndSet(false, true)) {
            return;
        }
        budget.close();
        if (!closing) {
            supervisor.failed("dbus-connection", new IOException("Lost the D-Bus connection to " + address, cause));
        }
    }

    /**
     * Sends incoming method calls to {@code calls} from now on.
     *
     * @param calls the dispatcher
     */
    public void route(IncomingCalls calls) {
        this.route = Objects.requireNonNull(calls);
    }

    /**
     * Requests a well-known name with do-not-queue: either the daemon owns it now, or it fails.
     *
     * @param name the name
     * @throws IllegalStateException if another connection owns the name
     * @throws DBusException         if the bus does not answer
     */
    public void requestName(String name) throws DBusException {
        UInt32 reply = bus.RequestName(name, new UInt32(NAME_FLAG_DO_NOT_QUEUE));
        if (reply.intValue() != NAME_REPLY_PRIMARY_OWNER) {
            throw new IllegalStateException("The D-Bus name " + name + " is already owned by another process"
                    + " (is another stratisd running?); RequestName answered " + reply);
        }
    }

    /**
     * Releases a well-known name, waiting at most {@code timeout} for the bus to confirm. Runs
     * during shutdown, so it never throws and never waits on a connection already lost (the bus
     * drops the names of a closed connection anyway).
     *
     * @param name    the name
     * @param timeout how long to wait for the bus's reply
     */
    public void releaseName(String name, java.time.Duration timeout) {
        if (lost.get()) {
            log.info("Not releasing {}: the D-Bus connection is already lost", name);
            return;
        }
        try {
            MethodCall call = messages().createMethodCall(BUS_NAME, BUS_PATH, BUS_NAME, "ReleaseName", (byte) 0, "s", name);
            send(call);
            Message reply = call.getReply(timeout.toMillis());
            if (reply == null || reply instanceof org.freedesktop.dbus.messages.Error) {
                log.warn("The bus did not confirm releasing {} within {}: {}", name, timeout, reply);
            }
        } catch (DBusException | RuntimeException e) {
            log.warn("Could not release D-Bus name {}", name, e);
        }
    }

    /**
     * Sends a message (reply, error or signal); the library's single sender thread sends messages
     * in the order they were given.
     *
     * @param message the message
     */
    @Override
    public void send(Message message) {
        budget.acquire(message);
        try {
            connection.sendMessage(message);
        } catch (RuntimeException e) {
            budget.release(message);
            throw e;
        }
    }

    /**
     * The factory for replies, errors and signals on this connection.
     *
     * @return the factory
     */
    public MessageFactory messages() {
        return connection.getMessageFactory();
    }

    /**
     * Whether the connection is up.
     *
     * @return true while connected
     */
    public boolean isConnected() {
        return connection.isConnected();
    }

    /**
     * The machine id the bus reports, for {@code Peer.GetMachineId}.
     *
     * @return the machine id
     */
    public String machineId() {
        return connection.getMachineId();
    }

    /**
     * The address this connection uses.
     *
     * @return the bus address
     */
    public String address() {
        return address;
    }

    @Override
    public void destroy() {
        closing = true;
        connection.disconnect();
        budget.close();
        log.info("Disconnected from D-Bus");
    }

    private void unknownObject(MethodCall call) {
        if (Replies.wantsReply(call)) {
            send(Replies.error(this, call, DbusErrors.UNKNOWN_OBJECT, "Unknown object '" + call.getPath() + "'"));
        }
    }
}
