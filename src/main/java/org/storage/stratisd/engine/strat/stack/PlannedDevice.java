package org.storage.stratisd.engine.strat.stack;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DeviceMapper.UdevRules;
import org.storage.stratisd.engine.strat.dm.TargetLine;

/**
 * One device-mapper device of a pool's stack, as plain values: its name (which is also its
 * device-mapper UUID), how udev treats it, and its table. A table line refers to another device
 * of the stack by name, written {@code {name}}, because that device's number is known only once it
 * exists; {@link #table(Map)} puts the numbers in.
 *
 * @param name     the device-mapper name and UUID
 * @param rules    udev's treatment when it becomes active
 * @param template its table, with {@code {name}} for devices of the stack
 */
public record PlannedDevice(String name, UdevRules rules, List<TargetLine> template) {

    private static final Pattern REFERENCE = Pattern.compile("\\{([^}]+)}");

    /** Copies the list. */
    public PlannedDevice {
        template = List.copyOf(template);
    }

    /**
     * How a table line names another device of the stack.
     *
     * @param name that device's name
     * @return the reference
     */
    public static String ref(String name) {
        return "{" + name + "}";
    }

    /**
     * The table with every reference replaced by that device's number.
     *
     * @param devices the numbers of the stack's devices that exist
     * @return the table to load
     * @throws IllegalStateException if the table refers to a device that does not exist yet
     */
    public List<TargetLine> table(Map<String, DevNum> devices) {
        return template.stream().map(line -> {
            Matcher m = REFERENCE.matcher(line.params());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                DevNum n = devices.get(m.group(1));
                if (n == null) {
                    throw new IllegalStateException(name + " is built on " + m.group(1) + ", which does not exist yet");
                }
                m.appendReplacement(out, n.toString());
            }
            m.appendTail(out);
            return new TargetLine(line.start(), line.length(), line.type(), out.toString());
        }).toList();
    }

    /**
     * The device's size: the end of its last line.
     *
     * @return sectors
     */
    public long size() {
        TargetLine last = template.getLast();
        return last.start() + last.length();
    }
}
