package org.storage.stratisd.engine.strat.dm;

import java.util.OptionalLong;

/**
 * A thin pool's status line (real-engine spec §7.7): {@code <transaction id> <used meta>/<total
 * meta> <used data>/<total data> <held root|-> rw|ro|out_of_data_space
 * discard_passdown|no_discard_passdown error_if_no_space|queue_if_no_space needs_check|-
 * [<metadata low watermark>]}, or a failed state.
 *
 * @param failed         whether the pool reports {@code Fail} or {@code Error}
 * @param transactionId  its transaction id
 * @param usedMeta       metadata blocks (4 KiB) in use
 * @param totalMeta      metadata blocks in all
 * @param usedData       data blocks in use
 * @param totalData      data blocks in all
 * @param mode           {@code rw}, {@code ro} or {@code out_of_data_space}
 * @param errorIfNoSpace whether the pool errors rather than queues when out of space
 * @param needsCheck     whether the metadata needs a check
 * @param metaLowWater   the metadata low-water mark in blocks, if reported
 */
public record ThinPoolStatus(boolean failed, long transactionId, long usedMeta, long totalMeta, long usedData, long totalData,
                             String mode, boolean errorIfNoSpace, boolean needsCheck, OptionalLong metaLowWater) {

    /**
     * Parses a status line's parameters.
     *
     * @param status the parameters after {@code thin-pool}
     * @return the status
     * @throws IllegalArgumentException if it has another form
     */
    public static ThinPoolStatus parse(String status) {
        String s = status.strip();
        if (s.startsWith("Fail") || s.startsWith("Error")) {
            return new ThinPoolStatus(true, 0, 0, 0, 0, 0, "failed", false, false, OptionalLong.empty());
        }
        String[] f = s.split("\\s+");
        if (f.length < 8) {
            throw new IllegalArgumentException("thin-pool status has too few fields: " + status);
        }
        try {
            String[] meta = f[1].split("/");
            String[] data = f[2].split("/");
            return new ThinPoolStatus(false, Long.parseLong(f[0]), Long.parseLong(meta[0]), Long.parseLong(meta[1]),
                    Long.parseLong(data[0]), Long.parseLong(data[1]), f[4], f[6].equals("error_if_no_space"),
                    f[7].equals("needs_check"), f.length > 8 ? OptionalLong.of(Long.parseLong(f[8])) : OptionalLong.empty());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot parse thin-pool status: " + status, e);
        }
    }

    /**
     * Whether the pool is out of data space.
     *
     * @return true in {@code out_of_data_space} mode
     */
    public boolean outOfDataSpace() {
        return mode.equals("out_of_data_space");
    }
}
