package org.storage.stratisd.udev;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.storage.stratisd.engine.DeviceEvent;
import org.storage.stratisd.lifecycle.LongLivedTask;
import org.storage.stratisd.lifecycle.TaskSupervisor;

/**
 * Simulated udev events for benchmarks and tests of the event path, with the simulator engine
 * only and only when {@code stratisd.sim.udev-injection-socket} names a path (otherwise the task
 * ends at once and nothing listens): a Unix socket there
 * accepts one client at a time, and each line {@code add NAME} it sends becomes an {@code add}
 * event for device {@code /dev/sim/NAME} carrying {@code STRATIS_SIM_POOL=NAME} on the udev
 * channel, as if udev had reported a device holding a pool of that name. The rest of the path
 * (udev handler, engine, tree, signals) is the daemon's own.
 */
public final class UdevInjector extends LongLivedTask {

    /** Starts with the udev monitor. */
    public static final int PHASE = UdevMonitor.PHASE;
    private final UdevChannel channel;
    private final Optional<Path> socket;
    private volatile ServerSocketChannel server;

    /**
     * Creates the task.
     *
     * @param channel    where the events go
     * @param socket     the socket's path (replaced if it exists); empty: the task does nothing
     * @param supervisor runs the thread
     */
    public UdevInjector(UdevChannel channel, Optional<Path> socket, TaskSupervisor supervisor) {
        super("udev-injector", PHASE, supervisor);
        this.channel = channel;
        this.socket = socket;
    }

    @Override
    protected void run() {
        if (socket.isEmpty()) {
            return;
        }
        try {
            Files.deleteIfExists(socket.get());
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket.get()));
            while (isRunningFlag()) {
                try (SocketChannel client = server.accept();
                     BufferedReader lines = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                             StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        inject(line.strip());
                    }
                }
            }
        } catch (IOException e) {
            if (isRunningFlag()) {
                failed(e);
            }
        }
    }

    private void inject(String line) {
        String[] words = line.split("\\s+");
        if (words.length == 2 && words[0].equals("add") && !words[1].isEmpty()) {
            channel.send(new DeviceEvent("add", "/dev/sim/" + words[1], Map.of(DeviceEvent.SIM_POOL_PROPERTY, words[1],
                    "SUBSYSTEM", "block")));
        }
    }

    /** Closing the server socket ends a blocked accept or read. */
    @Override
    protected void requestStop() {
        ServerSocketChannel s = server;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing is all that is wanted
            }
        }
        interrupt();
    }

    @Override
    protected void afterStop() {
        try {
            if (socket.isPresent()) {
                Files.deleteIfExists(socket.get());
            }
        } catch (IOException e) {
            // a stale socket file is replaced at the next start
        }
    }
}
