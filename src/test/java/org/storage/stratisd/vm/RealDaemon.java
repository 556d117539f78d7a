package org.storage.stratisd.vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.DaemonProcess;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * The packaged daemon with the real engine on the guest's system bus, and a client of it. Its log
 * is kept in the share ({@code logs/<name>-<n>.log}) when it stops, so a failed run can be read
 * on the host.
 */
final class RealDaemon implements AutoCloseable {

    static final String SYSTEM_BUS = "unix:path=/run/dbus/system_bus_socket";
    /**
     * How long a start may take in the guest. Under TCG a start takes 35-55 s, but one start in CI
     * (the suite's last, after the test had written its images) stalled for over two minutes before
     * its first engine step, with the whole guest slow; the bound is generous so that a slow guest
     * is not taken for a daemon that cannot start.
     */
    private static final Duration START = Duration.ofMinutes(6);

    private final String name;
    private final DaemonProcess process;
    private final BusClient client;
    private final StratisCalls calls;
    private final PoolCalls pools;

    private RealDaemon(String name, DaemonProcess process, BusClient client) {
        this.name = name;
        this.process = process;
        this.client = client;
        this.calls = new StratisCalls(client);
        this.pools = new PoolCalls(calls);
    }

    /**
     * Starts the daemon and waits until it owns its name.
     *
     * @param name a name for its log
     * @param args more daemon arguments
     * @return the running daemon
     */
    static RealDaemon start(String name, String... args) throws Exception {
        // What the test wrote to its images is flushed first, so the start does not compete with
        // the guest's writeback.
        Guest.run("sync");
        DaemonProcess process = DaemonProcess.startReal(SYSTEM_BUS, args);
        BusClient client = new BusClient(SYSTEM_BUS);
        try {
            process.awaitNameOwned(client, START);
        } catch (Exception | Error e) {
            keep(name, process);
            client.close();
            process.close();
            throw e;
        }
        return new RealDaemon(name, process, client);
    }

    BusClient client() {
        return client;
    }

    StratisCalls calls() {
        return calls;
    }

    PoolCalls pools() {
        return pools;
    }

    /**
     * Ends a real-kernel test class: the daemon stopped (if one was started), the mount points
     * unmounted, what is left of the pools' device-mapper stacks removed, the loop devices detached.
     */
    static void tearDown(RealDaemon daemon, LoopDevices loops, String... mountPoints) throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        for (String mountPoint : mountPoints) {
            Guest.run("sh", "-c", "umount " + mountPoint + " 2>/dev/null; true");
        }
        Dmsetup.removeStack("stratis-1-");
        if (loops != null) {
            loops.close();
        }
    }

    DaemonProcess process() {
        return process;
    }

    /**
     * Stops the daemon with SIGINT and waits for it; returns its exit status. Its log is kept
     * either way; one that does not stop gets a SIGQUIT first, so the log holds its threads.
     */
    int stop() throws Exception {
        process.signal("INT");
        try {
            return process.awaitExit(Duration.ofMinutes(2));
        } finally {
            if (process.isAlive()) {
                process.signal("QUIT");
                Thread.sleep(3000);
            }
            keep(name, process);
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            stop();
        }
        client.close();
        process.close();
    }

    private static void keep(String name, DaemonProcess process) {
        try {
            Path dir = Path.of(System.getProperty("vm.share", "/share"), "logs");
            Files.createDirectories(dir);
            int n = 1;
            while (Files.exists(dir.resolve(name + "-" + n + ".log"))) {
                n++;
            }
            Files.writeString(dir.resolve(name + "-" + n + ".log"), process.log());
        } catch (Exception e) {
            System.err.println("could not keep the daemon log: " + e);
        }
    }
}
