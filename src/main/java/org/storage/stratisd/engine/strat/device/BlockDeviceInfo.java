package org.storage.stratisd.engine.strat.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the kernel says about a device node, from its device number and {@code /sys/dev/block}:
 * whether it is a block device at all, its sector sizes, and what else uses it (holders such as
 * device-mapper, partitions, mounts, swap). An image file is not a block device and has none of
 * this.
 *
 * @param path          the node as given
 * @param blockDevice   whether it is a block device (else a regular file)
 * @param major         device major number, 0 for a file
 * @param minor         device minor number, 0 for a file
 * @param logicalSector logical sector size in bytes (512 for a file)
 * @param physicalSector physical sector size in bytes (512 for a file)
 * @param users         what uses it, each phrased for an error message; empty if nothing
 */
public record BlockDeviceInfo(Path path, boolean blockDevice, int major, int minor, int logicalSector,
                              int physicalSector, List<String> users) {

    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFREG = 0100000;

    /** Copies the list. */
    public BlockDeviceInfo {
        users = List.copyOf(users);
    }

    /**
     * Looks a device node or image file up.
     *
     * @param path the node or file
     * @param sys  the sysfs root ({@code /sys})
     * @param proc the procfs root ({@code /proc})
     * @return what the kernel says
     * @throws IOException if it does not exist, or is neither a block device nor a regular file
     */
    public static BlockDeviceInfo of(Path path, Path sys, Path proc) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        if ((mode & S_IFMT) == S_IFREG) {
            return new BlockDeviceInfo(path, false, 0, 0, 512, 512, List.of());
        }
        if ((mode & S_IFMT) != S_IFBLK) {
            throw new IOException(path + " is not a block device");
        }
        long rdev = (Long) Files.getAttribute(path, "unix:rdev");
        int major = (int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfff));
        int minor = (int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xff));
        Path dir = sys.resolve("dev/block/" + major + ":" + minor);
        List<String> users = new ArrayList<>();
        for (String holder : list(dir.resolve("holders"))) {
            users.add("held by " + holder + describeHolder(sys, holder));
        }
        for (String child : list(dir)) {
            if (Files.exists(dir.resolve(child).resolve("partition"))) {
                users.add("has partition " + child);
            }
        }
        mountPoint(proc, major, minor).ifPresent(m -> users.add("mounted at " + m));
        if (swaps(proc).contains(path.toRealPath().toString())) {
            users.add("in use as swap");
        }
        return new BlockDeviceInfo(path, true, major, minor, number(dir.resolve("queue/logical_block_size"), 512),
                number(dir.resolve("queue/physical_block_size"), 512), users);
    }

    private static String describeHolder(Path sys, String holder) {
        Path name = sys.resolve("class/block").resolve(holder).resolve("dm/name");
        try {
            return Files.isReadable(name) ? " (device-mapper device " + Files.readString(name).strip() + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Optional<String> mountPoint(Path proc, int major, int minor) throws IOException {
        Path mountinfo = proc.resolve("self/mountinfo");
        if (!Files.isReadable(mountinfo)) {
            return Optional.empty();
        }
        String id = major + ":" + minor;
        for (String line : Files.readAllLines(mountinfo, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[2].equals(id)) {
                return Optional.of(f[4]);
            }
        }
        return Optional.empty();
    }

    private static List<String> swaps(Path proc) throws IOException {
        Path swaps = proc.resolve("swaps");
        if (!Files.isReadable(swaps)) {
            return List.of();
        }
        return Files.readAllLines(swaps, StandardCharsets.UTF_8).stream().skip(1).map(l -> l.split("\\s+")[0]).toList();
    }

    private static int number(Path file, int fallback) throws IOException {
        return Files.isReadable(file) ? Integer.parseInt(Files.readString(file).strip()) : fallback;
    }
}
