package org.storage.stratisd.udev;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.engine.DeviceEvent;
import org.storage.stratisd.lifecycle.LongLivedTask;
import org.storage.stratisd.lifecycle.ShouldExit;
import org.storage.stratisd.lifecycle.TaskSupervisor;

/**
 * The udev event task: a libudev monitor on subsystem {@code block}, polled with a timeout on one
 * platform thread. Each event goes on the {@link UdevChannel}. After every event and after every
 * timeout it reads {@link ShouldExit} and returns if it is set, so it ends within one poll timeout
 * of shutdown. A failure to set up or read the monitor is a task failure (the daemon exits 1).
 */
public final class UdevMonitor extends LongLivedTask {

    /** Starts with the tree handler, before the connection handler. */
    public static final int PHASE = 1000;
    private static final Logger log = LoggerFactory.getLogger(UdevMonitor.class);

    private final UdevChannel channel;
    private final ShouldExit shouldExit;
    private final Duration pollTimeout;
    /** Nanotime of the last completed poll; read by health reporting. */
    private volatile long lastPoll;

    /**
     * Creates the task.
     *
     * @param channel     where events go
     * @param shouldExit  checked after every event and timeout
     * @param supervisor  runs the thread and reports its failure
     * @param pollTimeout how long one poll waits
     */
    public UdevMonitor(UdevChannel channel, ShouldExit shouldExit, TaskSupervisor supervisor, Duration pollTimeout) {
        super("udev-monitor", PHASE, supervisor);
        this.channel = channel;
        this.shouldExit = shouldExit;
        this.pollTimeout = Objects.requireNonNull(pollTimeout);
    }

    /** The loop reads {@link ShouldExit} after every event and poll timeout. */
    @Override
    protected void requestStop() {
        shouldExit.set();
    }

    /**
     * When the monitor last finished a poll.
     *
     * @return a {@link System#nanoTime()} value, 0 before the first poll
     */
    public long lastPollNanos() {
        return lastPoll;
    }

    @Override
    protected void run() {
        LibUdev udev = LibUdev.load();
        LibUdev.LibC libc = LibUdev.LibC.load();
        Pointer context = udev.udev_new();
        if (context == null) {
            throw new IllegalStateException("udev_new failed");
        }
        Pointer monitor = udev.udev_monitor_new_from_netlink(context, "udev");
        try {
            if (monitor == null) {
                throw new IllegalStateException("Cannot open a udev netlink monitor");
            }
            check(udev.udev_monitor_filter_add_match_subsystem_devtype(monitor, "block", null), "filter");
            check(udev.udev_monitor_enable_receiving(monitor), "enable receiving");
            LibUdev.PollFd[] fds = (LibUdev.PollFd[]) new LibUdev.PollFd().toArray(1);
            fds[0].fd = udev.udev_monitor_get_fd(monitor);
            fds[0].events = LibUdev.PollFd.POLLIN;
            int timeoutMillis = (int) Math.max(1, pollTimeout.toMillis());
            log.debug("Monitoring udev block events every {} ms", timeoutMillis);
            while (!shouldExit.get()) {
                fds[0].revents = 0;
                int ready;
                try {
                    ready = libc.poll(fds, 1, timeoutMillis);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == LibUdev.LibC.EINTR) {
                        continue;
                    }
                    throw new IllegalStateException("poll on the udev monitor failed", e);
                }
                lastPoll = System.nanoTime();
                if (ready > 0) {
                    receive(udev, monitor);
                }
            }
        } finally {
            if (monitor != null) {
                udev.udev_monitor_unref(monitor);
            }
            udev.udev_unref(context);
        }
    }

    private void receive(LibUdev udev, Pointer monitor) {
        Pointer device = udev.udev_monitor_receive_device(monitor);
        if (device == null) {
            return;
        }
        try {
            Map<String, String> properties = new LinkedHashMap<>();
            for (Pointer e = udev.udev_device_get_properties_list_entry(device); e != null; e = udev.udev_list_entry_get_next(e)) {
                properties.put(udev.udev_list_entry_get_name(e), Objects.requireNonNullElse(udev.udev_list_entry_get_value(e), ""));
            }
            channel.send(new DeviceEvent(
                    Objects.requireNonNullElse(udev.udev_device_get_action(device), ""),
                    Objects.requireNonNullElse(udev.udev_device_get_devnode(device), ""),
                    properties));
        } finally {
            udev.udev_device_unref(device);
        }
    }

    private static void check(int rc, String step) {
        if (rc < 0) {
            throw new IllegalStateException("udev monitor " + step + " failed with " + rc);
        }
    }
}
