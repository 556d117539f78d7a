package org.storage.stratisd.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DeviceMapper;
import org.storage.stratisd.engine.strat.dm.DmDevice;
import org.storage.stratisd.engine.strat.dm.DmException;
import org.storage.stratisd.engine.strat.dm.DmInfo;
import org.storage.stratisd.engine.strat.dm.TargetLine;
import org.storage.stratisd.kernel.DmIoctlCodec.Command;
import org.storage.stratisd.kernel.DmIoctlCodec.Header;

/**
 * {@link DeviceMapper} through {@code ioctl}s on {@code /dev/mapper/control} (real-engine spec §7),
 * with libdevmapper's udev cookies on resume, remove and rename (§1.5). One file descriptor serves
 * every call and the event poll: the kernel remembers the last event seen per open file, so the
 * poll and {@code DM_DEV_ARM_POLL} must use the descriptor the event task waits on.
 *
 * <p>Thread safety: the descriptor is opened once and closed by {@link #close}; each call builds
 * its own buffers, and the kernel serialises the ioctls per device. {@link #close} must not run
 * while calls are in flight (the daemon closes it after every task stopped).
 */
public final class DmIoctlDeviceMapper implements DeviceMapper, AutoCloseable {

    /** The control device. */
    public static final Path CONTROL = Path.of("/dev/mapper/control");
    /** The oldest interface that has {@code DM_DEV_ARM_POLL}, which the event task needs. */
    public static final int MIN_MINOR = 37;
    private static final Logger log = LoggerFactory.getLogger(DmIoctlDeviceMapper.class);
    private static final int RULES_PRIVATE = 0x02 | 0x04 | 0x08;
    private static final int REMOVE_TRIES = 5;
    private static final long REMOVE_RETRY_MILLIS = 200;

    private final LibC libc;
    private final int fd;
    private final Random cookies = UdevCookie.random();
    private final boolean udevSync;

    private DmIoctlDeviceMapper(LibC libc, int fd, boolean udevSync) {
        this.libc = libc;
        this.fd = fd;
        this.udevSync = udevSync;
    }

    /**
     * Opens the control device and checks the interface version.
     *
     * @return the device mapper
     * @throws DmException if the kernel has no device-mapper, or one too old for Stratis, or udev
     *                     is not running (upstream requires it: {@code /run/udev/control})
     */
    public static DmIoctlDeviceMapper open() throws DmException {
        if (!Files.exists(CONTROL)) {
            throw new DmException("device-mapper: " + CONTROL + " does not exist; this kernel has no device-mapper support"
                    + " (module dm_mod), which the real engine needs (run with --sim for the simulator)", DmException.ENOENT);
        }
        LibC libc = LibC.INSTANCE;
        int fd;
        try {
            fd = libc.open(CONTROL.toString(), LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new DmException("device-mapper: cannot open " + CONTROL + ": " + describe(libc, e.getErrorCode()), e.getErrorCode());
        }
        boolean udev = Files.exists(Path.of("/run/udev/control"));
        DmIoctlDeviceMapper dm = new DmIoctlDeviceMapper(libc, fd, udev);
        try {
            int[] version = dm.version();
            if (version[0] != 4 || version[1] < MIN_MINOR) {
                throw new DmException("Requires DM minor version " + MIN_MINOR + " but kernel only supports " + version[1], 0);
            }
            if (!udev) {
                throw new DmException("device-mapper: Udev daemon is not running (no /run/udev/control); Stratis needs udevd"
                        + " to create the device links of its devices", 0);
            }
            log.info("device-mapper interface {}.{}.{} on {}", version[0], version[1], version[2], CONTROL);
            return dm;
        } catch (DmException e) {
            dm.close();
            throw e;
        }
    }

    @Override
    public int[] version() throws DmException {
        return call(Command.VERSION, "", 0, 0, 0, new byte[0], "").header().version();
    }

    @Override
    public List<DmDevice> list() throws DmException {
        Answer a = call(Command.LIST_DEVICES, "", 0, 0, 0, new byte[0], "");
        return DmIoctlCodec.readNames(a.buffer(), a.header());
    }

    @Override
    public Optional<DmInfo> info(String name) throws DmException {
        Answer a;
        try {
            a = call(Command.DEV_STATUS, name, 0, 0, 0, new byte[0], name);
        } catch (DmException e) {
            if (e.errno() == DmException.ENXIO) {
                return Optional.empty();
            }
            throw e;
        }
        Header h = a.header();
        return Optional.of(new DmInfo(h.name(), h.uuid(), h.dev(), h.openCount(), h.eventNr(),
                (h.flags() & DmIoctlCodec.DM_SUSPEND_FLAG) != 0, (h.flags() & DmIoctlCodec.DM_ACTIVE_PRESENT_FLAG) != 0,
                (h.flags() & DmIoctlCodec.DM_INACTIVE_PRESENT_FLAG) != 0));
    }

    @Override
    public DevNum create(String name, String uuid) throws DmException {
        ByteBuffer request = DmIoctlCodec.request(Command.DEV_CREATE, DmIoctlCodec.MIN_BUFFER, name, uuid, 0, 0, 0, new byte[0]);
        return ioctl(Command.DEV_CREATE, request, name).header().dev();
    }

    @Override
    public void load(String name, List<TargetLine> table) throws DmException {
        call(Command.TABLE_LOAD, name, 0, 0, table.size(), DmIoctlCodec.targets(table), name);
    }

    @Override
    public void resume(String name, UdevRules rules) throws DmException {
        synced(Command.DEV_SUSPEND, name, rules == UdevRules.PRIVATE ? RULES_PRIVATE : 0, new byte[0]);
    }

    @Override
    public void suspend(String name) throws DmException {
        call(Command.DEV_SUSPEND, name, DmIoctlCodec.DM_SUSPEND_FLAG, 0, 0, new byte[0], name);
    }

    @Override
    public void remove(String name) throws DmException {
        for (int attempt = 1; ; attempt++) {
            try {
                synced(Command.DEV_REMOVE, name, 0, new byte[0]);
                return;
            } catch (DmException e) {
                if (e.errno() != DmException.EBUSY || attempt == REMOVE_TRIES) {
                    throw e;
                }
                log.debug("{} is busy; removal attempt {} of {}", name, attempt, REMOVE_TRIES);
                sleep(REMOVE_RETRY_MILLIS);
            }
        }
    }

    @Override
    public void rename(String name, String newName) throws DmException {
        synced(Command.DEV_RENAME, name, RULES_PRIVATE, DmIoctlCodec.string(newName));
    }

    @Override
    public List<TargetLine> table(String name) throws DmException {
        Answer a = call(Command.TABLE_STATUS, name, DmIoctlCodec.DM_STATUS_TABLE_FLAG, 0, 0, new byte[0], name);
        return DmIoctlCodec.readTargets(a.buffer(), a.header());
    }

    @Override
    public List<TargetLine> status(String name) throws DmException {
        Answer a = call(Command.TABLE_STATUS, name, 0, 0, 0, new byte[0], name);
        return DmIoctlCodec.readTargets(a.buffer(), a.header());
    }

    @Override
    public Optional<String> message(String name, long sector, String message) throws DmException {
        Answer a = call(Command.TARGET_MSG, name, 0, 0, 0, DmIoctlCodec.message(sector, message), name + " (message \"" + message + "\")");
        if ((a.header().flags() & DmIoctlCodec.DM_DATA_OUT_FLAG) == 0) {
            return Optional.empty();
        }
        return Optional.of(DmIoctlCodec.string(a.buffer(), a.header().dataStart(), a.header().dataSize() - a.header().dataStart()));
    }

    @Override
    public boolean awaitEvent(Duration timeout) throws DmException {
        Memory pollfd = new Memory(8);
        pollfd.setInt(0, fd);
        pollfd.setShort(4, LibC.POLLIN);
        pollfd.setShort(6, (short) 0);
        int ready;
        try {
            ready = libc.poll(pollfd, new NativeLong(1), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR) {
                return false;
            }
            throw new DmException("device-mapper: poll on " + CONTROL + " failed: " + describe(libc, e.getErrorCode()),
                    e.getErrorCode());
        }
        if (ready <= 0 || (pollfd.getShort(6) & LibC.POLLIN) == 0) {
            return false;
        }
        call(Command.DEV_ARM_POLL, "", 0, 0, 0, new byte[0], "");
        return true;
    }

    @Override
    public void close() {
        try {
            libc.close(fd);
        } catch (LastErrorException e) {
            log.debug("closing {} failed: errno {}", CONTROL, e.getErrorCode());
        }
    }

    /** A command that makes udev run: with a cookie, and a wait for udev afterwards. */
    private void synced(Command command, String name, int ruleFlags, byte[] payload) throws DmException {
        if (!udevSync) {
            call(command, name, 0, 0, 0, payload, name);
            return;
        }
        UdevCookie cookie;
        try {
            cookie = UdevCookie.create(libc, cookies);
        } catch (LastErrorException e) {
            throw new DmException("device-mapper: cannot create the udev synchronisation semaphore for " + command + " of "
                    + name + ": " + describe(libc, e.getErrorCode()), e.getErrorCode());
        }
        try (cookie) {
            long start = System.nanoTime();
            Answer a = call(command, name, 0, cookie.eventNr(ruleFlags), 0, payload, name);
            long called = System.nanoTime();
            if (!cookie.await((a.header().flags() & DmIoctlCodec.DM_UEVENT_GENERATED_FLAG) != 0)) {
                log.warn("udev did not complete {} of {} within 30 s; its device links may be missing", command, name);
            }
            // DM_DEV_SUSPEND without the suspend flag is a resume.
            log.debug("{} of {}: {} ms, then {} ms waiting for udev", command == Command.DEV_SUSPEND ? "resume" : "DM_" + command,
                    name, (called - start) / 1_000_000, (System.nanoTime() - called) / 1_000_000);
        } catch (LastErrorException e) {
            throw new DmException("device-mapper: udev synchronisation of " + command + " of " + name + " failed: "
                    + describe(libc, e.getErrorCode()), e.getErrorCode());
        }
    }

    /** The request and answer buffers of one command. */
    private record Answer(ByteBuffer buffer, Header header) {
    }

    private Answer call(Command command, String name, int flags, int eventNr, int targetCount, byte[] payload, String what)
            throws DmException {
        int size = Math.max(DmIoctlCodec.MIN_BUFFER, DmIoctlCodec.HEADER + payload.length);
        while (true) {
            Answer a = ioctl(command, DmIoctlCodec.request(command, size, name, "", flags, eventNr, targetCount, payload), what);
            if ((a.header().flags() & DmIoctlCodec.DM_BUFFER_FULL_FLAG) == 0) {
                return a;
            }
            size *= 2;
        }
    }

    private Answer ioctl(Command command, ByteBuffer request, String what) throws DmException {
        Memory buffer = new Memory(request.capacity());
        buffer.write(0, request.array(), 0, request.capacity());
        long start = System.nanoTime();
        try {
            libc.ioctl(fd, new NativeLong(command.request()), buffer);
            if (log.isTraceEnabled()) {
                log.trace("DM_{}{}: {} ms", command, what.isEmpty() ? "" : " of " + what, (System.nanoTime() - start) / 1_000_000);
            }
        } catch (LastErrorException e) {
            throw new DmException("device-mapper: DM_" + command + (what.isEmpty() ? "" : " of " + what) + " failed: "
                    + describe(libc, e.getErrorCode()), e.getErrorCode());
        }
        ByteBuffer answer = buffer.getByteBuffer(0, request.capacity()).order(ByteOrder.nativeOrder());
        ByteBuffer copy = ByteBuffer.allocate(request.capacity()).order(ByteOrder.nativeOrder());
        copy.put(answer).flip();
        return new Answer(copy, DmIoctlCodec.header(copy));
    }

    private static String describe(LibC libc, int errno) {
        return libc.strerror(errno) + " (errno " + errno + ")";
    }

    private static void sleep(long millis) throws DmException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DmException("device-mapper: interrupted while waiting to retry", 0);
        }
    }
}
