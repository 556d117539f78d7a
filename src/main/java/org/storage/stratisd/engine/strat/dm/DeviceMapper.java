package org.storage.stratisd.engine.strat.dm;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's device-mapper, as the real engine uses it: the {@code dm_ioctl} interface on
 * {@code /dev/mapper/control} (real-engine spec §7), with udev synchronisation on the calls that
 * make udev run (resume, remove, rename), so that when such a call returns udev has processed the
 * device and its {@code /dev/mapper} and {@code /dev/disk/by-*} links exist (§1.5).
 *
 * <p>Every method fails with a {@link DmException} naming the operation and the device.
 * Implementations are safe for use by many threads: each call is one or a few ioctls on a shared
 * file descriptor, which the kernel serialises per device.
 */
public interface DeviceMapper {

    /** How udev should treat a device when it becomes active (spec §1.5). */
    enum UdevRules {
        /** Stratis' private devices: no blkid, no {@code /dev/disk/by-*} links, no other rules. */
        PRIVATE,
        /** Filesystems: the normal rules, blkid runs and sets {@code ID_FS_UUID}. */
        NORMAL
    }

    /**
     * The kernel's device-mapper interface version.
     *
     * @return major, minor, patch
     * @throws DmException if the control device does not answer
     */
    int[] version() throws DmException;

    /**
     * Every device-mapper device.
     *
     * @return the devices, with their event counters
     * @throws DmException on failure
     */
    List<DmDevice> list() throws DmException;

    /**
     * The status of one device.
     *
     * @param name its name
     * @return its status, or empty if no device has that name
     * @throws DmException on any other failure
     */
    Optional<DmInfo> info(String name) throws DmException;

    /**
     * Creates a device with no table, suspended.
     *
     * @param name its name
     * @param uuid its device-mapper UUID
     * @return its device number
     * @throws DmException on failure (e.g. the name is taken)
     */
    DevNum create(String name, String uuid) throws DmException;

    /**
     * Loads a table into the device's inactive slot; a resume makes it live.
     *
     * @param name  the device
     * @param table its lines, consecutive from sector 0
     * @throws DmException on failure
     */
    void load(String name, List<TargetLine> table) throws DmException;

    /**
     * Resumes a device, making a loaded table live, and waits for udev to process it.
     *
     * @param name  the device
     * @param rules how udev treats it
     * @throws DmException on failure
     */
    void resume(String name, UdevRules rules) throws DmException;

    /**
     * Suspends a device (flushing and freezing a filesystem on it).
     *
     * @param name the device
     * @throws DmException on failure
     */
    void suspend(String name) throws DmException;

    /**
     * Removes a device, retrying while it is busy (five tries, 200 ms apart, as upstream), and
     * waits for udev to process the removal.
     *
     * @param name the device
     * @throws DmException if it stays busy or cannot be removed
     */
    void remove(String name) throws DmException;

    /**
     * Renames a device.
     *
     * @param name    the current name
     * @param newName the new name
     * @throws DmException on failure
     */
    void rename(String name, String newName) throws DmException;

    /**
     * The live table of a device.
     *
     * @param name the device
     * @return its lines
     * @throws DmException on failure
     */
    List<TargetLine> table(String name) throws DmException;

    /**
     * The status lines of a device's live table (the metadata of a thin pool is committed first).
     *
     * @param name the device
     * @return one line per target, its parameters the target's status
     * @throws DmException on failure
     */
    List<TargetLine> status(String name) throws DmException;

    /**
     * Sends a message to a target.
     *
     * @param name    the device
     * @param sector  the sector whose target receives it (0 for thin pools)
     * @param message e.g. {@code create_thin 3}
     * @return the target's answer, if it gave one
     * @throws DmException on failure
     */
    Optional<String> message(String name, long sector, String message) throws DmException;

    /**
     * Waits until device-mapper reports an event (a device created, removed or renamed, or a
     * target event such as a thin pool's low-water mark) or the timeout passes. On an event the
     * poll is re-armed before returning, so events during the caller's processing wake the next
     * wait.
     *
     * @param timeout the longest wait
     * @return true if an event arrived
     * @throws DmException if polling fails
     */
    boolean awaitEvent(Duration timeout) throws DmException;
}
