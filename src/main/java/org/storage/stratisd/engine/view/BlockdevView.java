package org.storage.stratisd.engine.view;

import java.math.BigInteger;
import java.util.Optional;
import java.util.UUID;

/**
 * An immutable snapshot of one block device as the engine knows it.
 *
 * @param uuid               device UUID
 * @param devnode            path where the Stratis metadata lives (the sim: the path the client gave)
 * @param physicalPath       path of the underlying physical device
 * @param tier               data or cache
 * @param initializationTime seconds since the epoch when Stratis initialised the device
 * @param totalPhysicalSize  size in bytes
 * @param userInfo           free-form user label, if set
 * @param newPhysicalSize    the device's size in bytes now, if it differs from {@code totalPhysicalSize}
 *                           (it grew, and {@code GrowPhysicalDevice} has not recorded it yet)
 */
public record BlockdevView(
        UUID uuid,
        String devnode,
        String physicalPath,
        Tier tier,
        long initializationTime,
        BigInteger totalPhysicalSize,
        Optional<String> userInfo,
        Optional<BigInteger> newPhysicalSize) {
}
