package org.storage.stratisd.engine.strat.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DeviceMapper;
import org.storage.stratisd.engine.strat.dm.DmDevice;
import org.storage.stratisd.engine.strat.dm.DmException;
import org.storage.stratisd.engine.strat.dm.DmInfo;
import org.storage.stratisd.engine.strat.dm.TargetLine;

/**
 * Device-mapper as tables in memory, for unit tests of the decisions around it (the VM suite tests
 * the real kernel): each device has a live and an inactive table and a suspended flag, as the
 * kernel keeps them. A load can be made to fail once, as a kernel refusing a table would.
 */
final class FakeDeviceMapper implements DeviceMapper {

    private static final class Device {
        final DevNum devNum;
        List<TargetLine> live = List.of();
        List<TargetLine> inactive;
        boolean suspended;

        Device(DevNum devNum) {
            this.devNum = devNum;
        }
    }

    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final Set<String> failNextLoad = new HashSet<>();
    private final Map<String, String> statuses = new LinkedHashMap<>();
    private int nextMinor;

    /** Makes the next load of a device fail with EINVAL. */
    void failNextLoad(String name) {
        failNextLoad.add(name);
    }

    /** Sets what {@link #status} answers for a device (its parameters after the target type). */
    void status(String name, String type, String params) {
        statuses.put(name, type + "\u0000" + params);
    }

    /** @return the names of the suspended devices */
    List<String> suspended() {
        return devices.entrySet().stream().filter(e -> e.getValue().suspended).map(Map.Entry::getKey).toList();
    }

    /** @return every device's live table */
    Map<String, List<TargetLine>> tables() {
        Map<String, List<TargetLine>> out = new LinkedHashMap<>();
        devices.forEach((name, d) -> out.put(name, d.live));
        return out;
    }

    @Override
    public int[] version() {
        return new int[] {4, 47, 0};
    }

    @Override
    public List<DmDevice> list() {
        List<DmDevice> out = new ArrayList<>();
        devices.forEach((name, d) -> out.add(new DmDevice(name, d.devNum, 0)));
        return out;
    }

    @Override
    public Optional<DmInfo> info(String name) {
        Device d = devices.get(name);
        return d == null ? Optional.empty()
                : Optional.of(new DmInfo(name, name, d.devNum, 0, 0, d.suspended, !d.live.isEmpty(), d.inactive != null));
    }

    @Override
    public DevNum create(String name, String uuid) throws DmException {
        if (devices.containsKey(name)) {
            throw new DmException("device-mapper: DM_DEV_CREATE of " + name + " failed: File exists", 17);
        }
        Device d = new Device(new DevNum(253, nextMinor++));
        devices.put(name, d);
        return d.devNum;
    }

    @Override
    public void load(String name, List<TargetLine> table) throws DmException {
        Device d = device(name);
        if (failNextLoad.remove(name)) {
            throw new DmException("device-mapper: DM_TABLE_LOAD of " + name + " failed: Invalid argument", 22);
        }
        d.inactive = List.copyOf(table);
    }

    @Override
    public void resume(String name, UdevRules rules) throws DmException {
        Device d = device(name);
        if (d.inactive != null) {
            d.live = d.inactive;
            d.inactive = null;
        }
        d.suspended = false;
    }

    @Override
    public void suspend(String name) throws DmException {
        device(name).suspended = true;
    }

    @Override
    public void remove(String name) throws DmException {
        device(name);
        devices.remove(name);
    }

    @Override
    public void rename(String name, String newName) throws DmException {
        devices.put(newName, device(name));
        devices.remove(name);
    }

    @Override
    public List<TargetLine> table(String name) throws DmException {
        return device(name).live;
    }

    @Override
    public List<TargetLine> status(String name) throws DmException {
        String status = statuses.get(name);
        if (status == null) {
            throw new DmException("device-mapper: no status for " + name, 6);
        }
        String[] parts = status.split("\u0000");
        return List.of(new TargetLine(0, device(name).live.stream().mapToLong(TargetLine::length).sum(), parts[0], parts[1]));
    }

    @Override
    public Optional<String> message(String name, long sector, String message) throws DmException {
        device(name);
        return Optional.empty();
    }

    @Override
    public boolean awaitEvent(Duration timeout) {
        return false;
    }

    private Device device(String name) throws DmException {
        Device d = devices.get(name);
        if (d == null) {
            throw new DmException("device-mapper: " + name + ": No such device or address", 6);
        }
        return d;
    }
}
