package org.storage.stratisd.engine.strat.dm;

/**
 * What {@code DM_DEV_STATUS} says about one device.
 *
 * @param name          its name
 * @param uuid          its device-mapper UUID, empty if none
 * @param devNum        its device number
 * @param openCount     how many openers it has
 * @param eventNr       its event counter
 * @param suspended     whether it is suspended
 * @param activeTable   whether it has a live table
 * @param inactiveTable whether a loaded table waits for a resume
 */
public record DmInfo(String name, String uuid, DevNum devNum, int openCount, long eventNr, boolean suspended,
                     boolean activeTable, boolean inactiveTable) {
}
