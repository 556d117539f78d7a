package org.storage.stratisd.engine.strat.stack;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DeviceMapper;
import org.storage.stratisd.engine.strat.dm.DmException;
import org.storage.stratisd.engine.strat.dm.DmInfo;
import org.storage.stratisd.engine.strat.dm.TargetLine;

/**
 * Makes a {@link PlannedDevice} real (real-engine spec §7.8): a device that already exists is
 * adopted if its live table is the planned one (a thin pool only on start, length, metadata and
 * data devices and block size, as upstream compares it), and refused otherwise; a device that does
 * not exist is created, loaded and resumed, and removed again if loading or resuming fails. What it
 * creates is registered on the operation's {@link Undo}.
 */
public final class StackExecutor {

    private final DeviceMapper dm;

    /**
     * Creates the executor.
     *
     * @param dm the device-mapper interface
     */
    public StackExecutor(DeviceMapper dm) {
        this.dm = dm;
    }

    /**
     * Ensures a device exists with its planned table.
     *
     * @param device  the plan
     * @param devices the numbers of the stack's devices so far; the device's is added
     * @param undo    where its removal is registered if it is created now
     * @return true if it was created now, false if it was adopted
     * @throws DmException naming the device when the kernel refuses or an existing device differs
     */
    public boolean ensure(PlannedDevice device, Map<String, DevNum> devices, Undo undo) throws DmException {
        List<TargetLine> table = device.table(devices);
        Optional<DmInfo> existing = dm.info(device.name());
        if (existing.isPresent()) {
            List<TargetLine> live = existing.get().activeTable() ? dm.table(device.name()) : List.of();
            if (!matches(table, live)) {
                throw new DmException("device-mapper: " + device.name() + " exists with table " + describe(live)
                        + ", not the expected " + describe(table), 0);
            }
            if (!existing.get().uuid().equals(device.name())) {
                throw new DmException("device-mapper: " + device.name() + " exists with UUID \"" + existing.get().uuid()
                        + "\", not the expected \"" + device.name() + "\"", 0);
            }
            if (existing.get().suspended()) {
                dm.resume(device.name(), device.rules());
            }
            devices.put(device.name(), existing.get().devNum());
            return false;
        }
        DevNum created = dm.create(device.name(), device.name());
        try {
            dm.load(device.name(), table);
            dm.resume(device.name(), device.rules());
        } catch (DmException e) {
            try {
                dm.remove(device.name());
            } catch (DmException removal) {
                e.addSuppressed(removal);
            }
            throw e;
        }
        undo.push("remove device-mapper device " + device.name(), () -> remove(device.name()));
        devices.put(device.name(), created);
        return true;
    }

    /**
     * Loads a new table into an existing device and makes it live.
     *
     * @param device  the plan with the new table
     * @param devices the numbers of the stack's devices
     * @throws DmException naming the device when the kernel refuses
     */
    public void reload(PlannedDevice device, Map<String, DevNum> devices) throws DmException {
        dm.load(device.name(), device.table(devices));
        dm.resume(device.name(), device.rules());
    }

    /**
     * Loads a new table only where the live one differs (a linear device grown or shrunk, say).
     *
     * @param device  the plan
     * @param devices the numbers of the stack's devices
     * @return whether a table was loaded
     * @throws DmException naming the device when the kernel refuses
     */
    public boolean reloadIfChanged(PlannedDevice device, Map<String, DevNum> devices) throws DmException {
        List<TargetLine> table = device.table(devices);
        if (matches(table, dm.table(device.name()))) {
            return false;
        }
        dm.load(device.name(), table);
        dm.resume(device.name(), device.rules());
        return true;
    }

    /**
     * Removes a device if it exists.
     *
     * @param name the device
     * @return whether it existed
     * @throws DmException if it stays busy or the kernel refuses
     */
    public boolean remove(String name) throws DmException {
        if (dm.info(name).isEmpty()) {
            return false;
        }
        dm.remove(name);
        return true;
    }

    /**
     * Whether a live table is the planned one: every line equal, except that a thin pool's low-water
     * mark and feature arguments, and a cache's features and policy, may differ.
     */
    static boolean matches(List<TargetLine> planned, List<TargetLine> live) {
        if (planned.size() != live.size()) {
            return false;
        }
        for (int i = 0; i < planned.size(); i++) {
            TargetLine p = planned.get(i);
            TargetLine l = live.get(i);
            if (p.start() != l.start() || p.length() != l.length() || !p.type().equals(l.type())) {
                return false;
            }
            if (p.type().equals("thin-pool") || p.type().equals("cache")) {
                // A cache compares on its three devices and block size: the kernel names the policy it
                // chose ("smq" for "default") when it echoes the table.
                int words = p.type().equals("cache") ? 4 : 3;
                if (!firstWords(p.params(), words).equals(firstWords(l.params(), words))) {
                    return false;
                }
            } else if (!p.params().strip().equals(l.params().strip())) {
                return false;
            }
        }
        return true;
    }

    private static List<String> firstWords(String params, int n) {
        String[] words = params.strip().split("\\s+");
        return List.of(words).subList(0, Math.min(n, words.length));
    }

    private static String describe(List<TargetLine> table) {
        return table.isEmpty() ? "(none)" : "\"" + String.join("; ", table.stream().map(TargetLine::toString).toList()) + "\"";
    }
}
