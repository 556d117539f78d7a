package org.storage.stratisd.engine.strat.dm;

import java.util.UUID;

/**
 * The device-mapper names of a pool's devices (real-engine spec §1.3). Format version 1; UUIDs in
 * simple form; for every device Stratis creates itself the device-mapper UUID equals the name.
 *
 * @param pool the pool's UUID
 */
public record DmNames(UUID pool) {

    /** The names' format version. */
    public static final int FORMAT_VERSION = 1;

    /**
     * A UUID in simple form.
     *
     * @param uuid the UUID
     * @return 32 lower-case hex digits
     */
    public static String simple(UUID uuid) {
        return uuid.toString().replace("-", "");
    }

    private String base() {
        return "stratis-" + FORMAT_VERSION + "-private-" + simple(pool);
    }

    /** @return the data tier's linear device */
    public String originsub() {
        return base() + "-physical-originsub";
    }

    /** @return the cap: V2's placeholder or the dm-cache device */
    public String cache() {
        return base() + "-physical-cache";
    }

    /** @return the cache tier's data device */
    public String cachesub() {
        return base() + "-physical-cachesub";
    }

    /** @return the cache tier's metadata device */
    public String metasub() {
        return base() + "-physical-metasub";
    }

    /** @return V2's pool-level crypt device */
    public String crypt() {
        return base() + "-crypt";
    }

    /** @return the thin pool's metadata device */
    public String thinmeta() {
        return base() + "-flex-thinmeta";
    }

    /** @return the thin pool's data device */
    public String thindata() {
        return base() + "-flex-thindata";
    }

    /** @return the metadata volume */
    public String mdv() {
        return base() + "-flex-mdv";
    }

    /** @return the spare metadata device, which exists only during a repair */
    public String thinmetaspare() {
        return base() + "-flex-thinmetaspare";
    }

    /** @return the thin pool */
    public String thinpool() {
        return base() + "-thinpool-pool";
    }

    /**
     * A filesystem's thin device (no {@code private}: udev's normal rules apply to it).
     *
     * @param filesystem the filesystem's UUID
     * @return its name
     */
    public String filesystem(UUID filesystem) {
        return filesystemPrefix() + simple(filesystem);
    }

    /** @return what the names of all the pool's thin devices start with */
    public String filesystemPrefix() {
        return "stratis-" + FORMAT_VERSION + "-" + simple(pool) + "-thin-fs-";
    }
}
