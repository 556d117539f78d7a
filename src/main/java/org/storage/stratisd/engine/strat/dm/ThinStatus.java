package org.storage.stratisd.engine.strat.dm;

import java.util.OptionalLong;

/**
 * A thin device's status: {@code <nr mapped sectors> <highest mapped sector|->}, or failed.
 *
 * @param failed        whether it reports {@code Fail} or {@code Error}
 * @param mappedSectors sectors mapped (the filesystem's {@code Used})
 * @param highestMapped the highest mapped sector, if any is mapped
 */
public record ThinStatus(boolean failed, long mappedSectors, OptionalLong highestMapped) {

    /**
     * Parses a status line's parameters.
     *
     * @param status the parameters after {@code thin}
     * @return the status
     * @throws IllegalArgumentException if it has another form
     */
    public static ThinStatus parse(String status) {
        String s = status.strip();
        if (s.startsWith("Fail") || s.startsWith("Error")) {
            return new ThinStatus(true, 0, OptionalLong.empty());
        }
        String[] f = s.split("\\s+");
        try {
            return new ThinStatus(false, Long.parseLong(f[0]),
                    f.length > 1 && !f[1].equals("-") ? OptionalLong.of(Long.parseLong(f[1])) : OptionalLong.empty());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot parse thin status: " + status, e);
        }
    }
}
