package org.storage.stratisd.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DmDevice;
import org.storage.stratisd.engine.strat.dm.TargetLine;

/**
 * The byte layout of {@code struct dm_ioctl} and its payloads (real-engine spec §7.2, §7.5), in
 * native (little-endian) order: building requests and reading answers, with no system call, so
 * that the layout is tested on any machine.
 */
final class DmIoctlCodec {

    /** {@code sizeof(struct dm_ioctl)}. */
    static final int HEADER = 312;
    /** {@code sizeof(struct dm_target_spec)}. */
    static final int TARGET_SPEC = 40;
    /** The smallest buffer handed to the kernel, as devicemapper-rs uses. */
    static final int MIN_BUFFER = 16384;
    static final int NAME_LEN = 128;
    static final int UUID_LEN = 129;

    static final int DM_READONLY_FLAG = 1;
    static final int DM_SUSPEND_FLAG = 1 << 1;
    static final int DM_STATUS_TABLE_FLAG = 1 << 4;
    static final int DM_ACTIVE_PRESENT_FLAG = 1 << 5;
    static final int DM_INACTIVE_PRESENT_FLAG = 1 << 6;
    static final int DM_BUFFER_FULL_FLAG = 1 << 8;
    static final int DM_UEVENT_GENERATED_FLAG = 1 << 13;
    static final int DM_DATA_OUT_FLAG = 1 << 16;

    private static final int OFF_VERSION = 0;
    private static final int OFF_DATA_SIZE = 12;
    private static final int OFF_DATA_START = 16;
    private static final int OFF_TARGET_COUNT = 20;
    private static final int OFF_OPEN_COUNT = 24;
    private static final int OFF_FLAGS = 28;
    private static final int OFF_EVENT_NR = 32;
    private static final int OFF_DEV = 40;
    private static final int OFF_NAME = 48;
    private static final int OFF_UUID = 176;

    private DmIoctlCodec() {
    }

    /** The ioctl commands used, with the interface version each needs (devicemapper-rs sends the minimum). */
    enum Command {
        VERSION(0, 0),
        LIST_DEVICES(2, 0),
        DEV_CREATE(3, 0),
        DEV_REMOVE(4, 0),
        DEV_RENAME(5, 0),
        DEV_SUSPEND(6, 0),
        DEV_STATUS(7, 0),
        TABLE_LOAD(9, 0),
        TABLE_STATUS(12, 0),
        TARGET_MSG(14, 2),
        DEV_ARM_POLL(16, 37);

        private final int nr;
        private final int minor;

        Command(int nr, int minor) {
            this.nr = nr;
            this.minor = minor;
        }

        /** {@code _IOWR(0xFD, nr, struct dm_ioctl)}. */
        long request() {
            return 0xC138FD00L | nr;
        }

        int minor() {
            return minor;
        }
    }

    /**
     * The fields of a header as the kernel returned it.
     *
     * @param version     the kernel's interface version
     * @param dataSize    bytes of the buffer the kernel used
     * @param dataStart   where the payload starts
     * @param targetCount targets in a status or table answer
     * @param openCount   openers of the device
     * @param flags       the flags
     * @param eventNr     the device's event counter
     * @param dev         its device number
     * @param name        its name
     * @param uuid        its device-mapper UUID
     */
    record Header(int[] version, int dataSize, int dataStart, int targetCount, int openCount, int flags, long eventNr, DevNum dev,
                  String name, String uuid) {
    }

    /**
     * A request buffer: header, then {@code payload} at offset 312.
     *
     * @param command     the command (sets the version)
     * @param size        the buffer size, at least {@link #HEADER} plus the payload
     * @param name        device name, or empty
     * @param uuid        device UUID, or empty
     * @param flags       request flags
     * @param eventNr     event number or udev cookie
     * @param targetCount targets in the payload (table load)
     * @param payload     the payload, already laid out
     * @return the buffer
     */
    static ByteBuffer request(Command command, int size, String name, String uuid, int flags, int eventNr, int targetCount,
                              byte[] payload) {
        if (size < HEADER + payload.length) {
            throw new IllegalArgumentException("buffer of " + size + " bytes too small for a payload of " + payload.length);
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        b.putInt(OFF_VERSION, 4);
        b.putInt(OFF_VERSION + 4, command.minor());
        b.putInt(OFF_VERSION + 8, 0);
        b.putInt(OFF_DATA_SIZE, size);
        b.putInt(OFF_DATA_START, HEADER);
        b.putInt(OFF_TARGET_COUNT, targetCount);
        b.putInt(OFF_FLAGS, flags);
        b.putInt(OFF_EVENT_NR, eventNr);
        putString(b, OFF_NAME, name, NAME_LEN, "name");
        putString(b, OFF_UUID, uuid, UUID_LEN, "uuid");
        b.put(HEADER, payload);
        return b;
    }

    private static void putString(ByteBuffer b, int offset, String value, int capacity, String what) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= capacity) {
            throw new IllegalArgumentException("device-mapper " + what + " longer than " + (capacity - 1) + " bytes: " + value);
        }
        b.put(offset, bytes);
    }

    /**
     * Reads the header of an answer.
     *
     * @param b the buffer after the ioctl
     * @return its fields
     */
    static Header header(ByteBuffer b) {
        return new Header(new int[] {b.getInt(OFF_VERSION), b.getInt(OFF_VERSION + 4), b.getInt(OFF_VERSION + 8)},
                b.getInt(OFF_DATA_SIZE), b.getInt(OFF_DATA_START), b.getInt(OFF_TARGET_COUNT), b.getInt(OFF_OPEN_COUNT),
                b.getInt(OFF_FLAGS), Integer.toUnsignedLong(b.getInt(OFF_EVENT_NR)), DevNum.fromHuge(b.getLong(OFF_DEV)),
                string(b, OFF_NAME, NAME_LEN), string(b, OFF_UUID, UUID_LEN));
    }

    /**
     * The payload of a table load: one {@code dm_target_spec} per line, each followed by its
     * parameters, NUL-terminated and padded to 8 bytes; each spec's {@code next} is the distance to
     * the next spec.
     *
     * @param table the lines
     * @return the payload
     */
    static byte[] targets(List<TargetLine> table) {
        int total = 0;
        for (TargetLine line : table) {
            total += TARGET_SPEC + align8(line.params().getBytes(StandardCharsets.UTF_8).length + 1);
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        int at = 0;
        for (TargetLine line : table) {
            byte[] params = line.params().getBytes(StandardCharsets.UTF_8);
            int next = TARGET_SPEC + align8(params.length + 1);
            b.putLong(at, line.start());
            b.putLong(at + 8, line.length());
            b.putInt(at + 16, 0);
            b.putInt(at + 20, next);
            b.put(at + 24, line.type().getBytes(StandardCharsets.US_ASCII));
            b.put(at + TARGET_SPEC, params);
            at += next;
        }
        return b.array();
    }

    /**
     * The target specs of a table-status answer; each spec's {@code next} is counted from the
     * start of the payload.
     *
     * @param b      the answer
     * @param header its header
     * @return the lines, with status or table parameters, trailing whitespace trimmed
     */
    static List<TargetLine> readTargets(ByteBuffer b, Header header) {
        List<TargetLine> lines = new ArrayList<>();
        int at = header.dataStart();
        for (int i = 0; i < header.targetCount(); i++) {
            long start = b.getLong(at);
            long length = b.getLong(at + 8);
            int next = b.getInt(at + 20);
            String type = string(b, at + 24, 16);
            String params = string(b, at + TARGET_SPEC, header.dataSize() - at - TARGET_SPEC).stripTrailing();
            lines.add(new TargetLine(start, length, type, params));
            at = header.dataStart() + next;
        }
        return lines;
    }

    /**
     * The devices of a list answer: {@code dm_name_list} entries (name at offset 12), each
     * followed, 8-aligned after the name, by its event counter and flags.
     *
     * @param b      the answer
     * @param header its header
     * @return the devices
     */
    static List<DmDevice> readNames(ByteBuffer b, Header header) {
        List<DmDevice> devices = new ArrayList<>();
        if (header.dataSize() <= header.dataStart()) {
            return devices;
        }
        int at = header.dataStart();
        while (true) {
            long dev = b.getLong(at);
            int next = b.getInt(at + 8);
            if (dev == 0 && next == 0 && b.get(at + 12) == 0) {
                break;
            }
            String name = string(b, at + 12, header.dataSize() - at - 12);
            int afterName = align8(at + 12 + name.getBytes(StandardCharsets.UTF_8).length + 1 - header.dataStart())
                    + header.dataStart();
            int end = next == 0 ? header.dataSize() : at + next;
            long eventNr = afterName + 8 <= end ? Integer.toUnsignedLong(b.getInt(afterName)) : 0;
            devices.add(new DmDevice(name, DevNum.fromHuge(dev), eventNr));
            if (next == 0) {
                break;
            }
            at += next;
        }
        return devices;
    }

    /**
     * The payload of a target message: {@code u64 sector} then the NUL-terminated message.
     *
     * @param sector  the sector whose target receives it
     * @param message the message
     * @return the payload
     */
    static byte[] message(long sector, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + align8(text.length + 1)).order(ByteOrder.nativeOrder());
        b.putLong(0, sector);
        b.put(8, text);
        return b.array();
    }

    /**
     * A NUL-terminated string payload (a rename's new name).
     *
     * @param value the string
     * @return the payload
     */
    static byte[] string(String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[align8(text.length + 1)];
        System.arraycopy(text, 0, out, 0, text.length);
        return out;
    }

    /**
     * The NUL-terminated string at an offset.
     *
     * @param b      the buffer
     * @param offset where it starts
     * @param max    the most bytes it may have
     * @return the string
     */
    static String string(ByteBuffer b, int offset, int max) {
        int end = offset;
        int limit = Math.min(b.limit(), offset + Math.max(0, max));
        while (end < limit && b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - offset];
        b.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static int align8(int n) {
        return (n + 7) & ~7;
    }
}
