package org.storage.stratisd.engine.strat.dm;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device-mapper names of a pool's devices (real-engine spec §1.3). Format version 1; UUIDs in
 * simple form; for every device Stratis creates itself the device-mapper UUID equals the name.
 *
 * @param pool the pool's UUID
 */
public record DmNames(UUID pool) {

    /** The names' format version. */
    public static final int FORMAT_VERSION = 1;
    private static final Pattern FILESYSTEM = Pattern.compile("stratis-1-([0-9a-f]{32})-thin-fs-([0-9a-f]{32})");
    private static final Pattern PRIVATE = Pattern.compile("stratis-1-private-([0-9a-f]{32})-.*");

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
        return "stratis-" + FORMAT_VERSION + "-" + simple(pool) + "-thin-fs-" + simple(filesystem);
    }

    /**
     * The names removed, if present, when a partly set-up pool is torn down, in removal order
     * (spec §1.3); filesystems' thin devices come before these.
     *
     * @return the names
     */
    public List<String> teardownOrder() {
        return List.of(thinpool(), thindata(), thinmeta(), thinmetaspare(), mdv(), crypt(), cache(), cachesub(), metasub(),
                originsub());
    }

    /**
     * The pool and filesystem a thin device's name stands for.
     *
     * @param name a device-mapper name
     * @return the pool and filesystem UUIDs, if it is a Stratis filesystem's name
     */
    public static Optional<UUID[]> parseFilesystem(String name) {
        Matcher m = FILESYSTEM.matcher(name);
        return m.matches() ? Optional.of(new UUID[] {uuid(m.group(1)), uuid(m.group(2))}) : Optional.empty();
    }

    /**
     * The pool a private device's name belongs to.
     *
     * @param name a device-mapper name
     * @return the pool UUID, if it is one of Stratis' private devices
     */
    public static Optional<UUID> parsePrivate(String name) {
        Matcher m = PRIVATE.matcher(name);
        return m.matches() ? Optional.of(uuid(m.group(1))) : Optional.empty();
    }

    private static UUID uuid(String simple) {
        return UUID.fromString(simple.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
    }
}
