package org.storage.stratisd.engine.strat.dm;

/**
 * A device-mapper device as {@code DM_LIST_DEVICES} lists it.
 *
 * @param name    its name
 * @param devNum  its device number
 * @param eventNr its event counter
 */
public record DmDevice(String name, DevNum devNum, long eventNr) {
}
