package org.storage.stratisd.udev;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/** The parts of libudev (and of libc's {@code poll}) the udev monitor uses, bound through JNA. */
interface LibUdev extends Library {

    /**
     * Loads libudev.
     *
     * @return the binding
     */
    static LibUdev load() {
        return Native.load("udev", LibUdev.class);
    }

    Pointer udev_new();

    Pointer udev_unref(Pointer udev);

    Pointer udev_monitor_new_from_netlink(Pointer udev, String name);

    int udev_monitor_filter_add_match_subsystem_devtype(Pointer monitor, String subsystem, String devtype);

    int udev_monitor_enable_receiving(Pointer monitor);

    int udev_monitor_get_fd(Pointer monitor);

    Pointer udev_monitor_receive_device(Pointer monitor);

    Pointer udev_monitor_unref(Pointer monitor);

    String udev_device_get_action(Pointer device);

    String udev_device_get_devnode(Pointer device);

    Pointer udev_device_get_properties_list_entry(Pointer device);

    Pointer udev_list_entry_get_next(Pointer entry);

    String udev_list_entry_get_name(Pointer entry);

    String udev_list_entry_get_value(Pointer entry);

    Pointer udev_device_unref(Pointer device);

    /** libc's {@code poll}, for waiting on the monitor's socket with a timeout. */
    interface LibC extends Library {

        static LibC load() {
            return Native.load("c", LibC.class);
        }

        /** EINTR: the call was interrupted by a signal and may be repeated. */
        int EINTR = 4;

        int poll(PollFd[] fds, int nfds, int timeoutMillis) throws com.sun.jna.LastErrorException;
    }

    /** {@code struct pollfd}. */
    @Structure.FieldOrder({"fd", "events", "revents"})
    final class PollFd extends Structure {
        static final short POLLIN = 0x001;

        public int fd;
        public short events;
        public short revents;
    }
}
