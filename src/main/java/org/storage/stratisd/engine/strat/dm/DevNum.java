package org.storage.stratisd.engine.strat.dm;

/**
 * A device number, written {@code major:minor} as device-mapper tables and sysfs write it.
 *
 * @param major the major number
 * @param minor the minor number
 */
public record DevNum(int major, int minor) {

    /**
     * Parses {@code major:minor}.
     *
     * @param text e.g. {@code 253:4}
     * @return the number
     * @throws IllegalArgumentException if it is not of that form
     */
    public static DevNum parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || !text.substring(0, colon).matches("[0-9]{1,9}") || !text.substring(colon + 1).matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("not a device number (major:minor): " + text);
        }
        return new DevNum(Integer.parseInt(text.substring(0, colon)), Integer.parseInt(text.substring(colon + 1)));
    }

    /**
     * Decodes the kernel's 64-bit {@code huge_encode_dev} form that {@code struct dm_ioctl}
     * carries: minor low byte in bits 0-7, major in bits 8-19, the rest of the minor above.
     *
     * @param encoded the encoded number
     * @return the number
     */
    public static DevNum fromHuge(long encoded) {
        int major = (int) ((encoded >>> 8) & 0xfff);
        int minor = (int) ((encoded & 0xff) | ((encoded >>> 12) & 0xfff00));
        return new DevNum(major, minor);
    }

    /**
     * The kernel's 64-bit encoding.
     *
     * @return {@code (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)}
     */
    public long huge() {
        return (minor & 0xffL) | ((long) major << 8) | ((minor & ~0xffL) << 12);
    }

    /**
     * The device node the kernel creates for a device-mapper device of this number.
     *
     * @return e.g. {@code /dev/dm-4}
     */
    public String dmNode() {
        return "/dev/dm-" + minor;
    }

    @Override
    public String toString() {
        return major + ":" + minor;
    }
}
