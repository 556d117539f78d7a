package org.storage.stratisd.engine.strat.dm;

/**
 * One line of a device-mapper table: a target covering {@code length} sectors from {@code start}.
 *
 * @param start  first sector of the device this line maps
 * @param length sectors
 * @param type   the target type, e.g. {@code linear}, {@code thin-pool}
 * @param params the target's parameters, as the table line writes them
 */
public record TargetLine(long start, long length, String type, String params) {

    /** Rejects what the kernel would. */
    public TargetLine {
        if (start < 0 || length <= 0) {
            throw new IllegalArgumentException("a target needs a start >= 0 and a length > 0, not " + start + " " + length);
        }
        if (type.isEmpty() || type.length() >= 16) {
            throw new IllegalArgumentException("target type must have 1 to 15 characters: " + type);
        }
    }

    /**
     * The line as {@code dmsetup table} prints it.
     *
     * @return e.g. {@code 0 8512 linear 253:0 0}
     */
    @Override
    public String toString() {
        return start + " " + length + " " + type + (params.isEmpty() ? "" : " " + params);
    }
}
