package org.storage.stratisd.engine;

import java.util.Map;

/**
 * One block-device event as the udev monitor saw it.
 *
 * @param action     udev action ({@code add}, {@code change}, {@code remove}, ...)
 * @param devnode    device node, e.g. {@code /dev/sdb}; empty when udev gave none
 * @param properties the device's udev properties
 */
public record DeviceEvent(String action, String devnode, Map<String, String> properties) {

    /**
     * The property of simulated events (the simulator's injection socket): the name of the pool
     * the device holds. Real udev never sets it.
     */
    public static final String SIM_POOL_PROPERTY = "STRATIS_SIM_POOL";

    /** Copies the properties so the event stays immutable. */
    public DeviceEvent {
        properties = Map.copyOf(properties);
    }
}
