package org.storage.stratisd.engine.strat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.storage.stratisd.engine.DeviceEvent;
import org.storage.stratisd.engine.strat.assembly.AssemblyPlanner;
import org.storage.stratisd.engine.strat.assembly.PoolPlan;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity;
import org.storage.stratisd.engine.strat.identify.DeviceProber;
import org.storage.stratisd.engine.strat.identify.DeviceScanner;

/**
 * The Stratis devices of the machine as the real engine knows them: found by a scan at start-up
 * and kept current by udev events, each identified from the device itself, and planned into pools.
 * Devices with the Stratis magic that cannot be read are kept apart for the reports.
 *
 * <p>Not synchronised: the engine's caller holds write-all while it changes.
 */
public final class DeviceInventory {

    private final DeviceProber prober;
    private final DeviceScanner scanner;
    /** The member devices found, by device node. */
    private final Map<Path, DeviceIdentity> members = new TreeMap<>();
    /** Devices carrying Stratis metadata that could not be read, by device node. */
    private final Map<Path, String> unreadable = new TreeMap<>();

    /**
     * Creates the inventory.
     *
     * @param prober  identifies devices
     * @param scanner lists the machine's block devices
     */
    public DeviceInventory(DeviceProber prober, DeviceScanner scanner) {
        this.prober = prober;
        this.scanner = scanner;
    }

    /**
     * Probes every block device of the machine.
     *
     * @throws IOException if the devices cannot be listed
     */
    public void scan() throws IOException {
        for (Path device : scanner.devices()) {
            identify(device, true);
        }
    }

    /**
     * Identifies one device again.
     *
     * @param device the device node
     * @param repair whether a damaged signature-block copy may be rewritten from the good one
     */
    public void identify(Path device, boolean repair) {
        record(device, prober.identifyMembership(device, Map.of(), repair));
    }

    /**
     * Applies udev events: {@code remove} forgets a device, anything else probes it again.
     *
     * @param events the events
     * @return whether any event concerned a Stratis device (before or after)
     */
    public boolean handle(List<DeviceEvent> events) {
        boolean changed = false;
        for (DeviceEvent event : events) {
            if (event.devnode().isEmpty()) {
                continue;
            }
            Path device = Path.of(event.devnode());
            boolean knownBefore = members.containsKey(device) || unreadable.containsKey(device);
            if ("remove".equals(event.action())) {
                forget(device);
            } else {
                record(device, prober.identifyMembership(device, event.properties(), true));
            }
            changed |= knownBefore || members.containsKey(device) || unreadable.containsKey(device);
        }
        return changed;
    }

    /**
     * Forgets a device (removed, or wiped by the engine).
     *
     * @param device the device node
     */
    public void forget(Path device) {
        members.remove(device);
        unreadable.remove(device);
    }

    /**
     * Plans the pools whose devices were found.
     *
     * @param skip pools to leave out (those running)
     * @return one plan per other pool
     */
    public List<PoolPlan> plan(Predicate<UUID> skip) {
        return AssemblyPlanner.plan(members.values().stream()
                .filter(d -> AssemblyPlanner.poolOf(d).map(p -> !skip.test(p)).orElse(false)).toList());
    }

    /** @return the devices with the Stratis magic that cannot be read, with why */
    public Map<Path, String> unreadable() {
        return Map.copyOf(unreadable);
    }

    /**
     * A member's size as last probed.
     *
     * @param device the device node
     * @return its size in bytes, if it is a Stratis member the inventory knows
     */
    public OptionalLong sizeBytes(Path device) {
        return members.get(device) instanceof DeviceIdentity.StratisMember m ? OptionalLong.of(m.sizeBytes()) : OptionalLong.empty();
    }

    private void record(Path device, DeviceIdentity identity) {
        forget(device);
        switch (identity) {
            case DeviceIdentity.StratisMember m -> members.put(device, m);
            case DeviceIdentity.LuksMember l -> members.put(device, l);
            case DeviceIdentity.Unreadable u when u.stratisMagic() -> unreadable.put(device, u.reason());
            default -> {
                // not a member: nothing to remember
            }
        }
    }
}
