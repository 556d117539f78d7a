package org.storage.stratisd.engine.strat.identify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lists the block devices worth probing at start-up from {@code /sys/class/block}, as the spec
 * suggests for an implementation that does not read the udev database (real-engine spec §8.2):
 * every device with a non-zero size except Stratis' own private device-mapper devices (linear,
 * flex and thin-pool layers, which never carry a signature block of their own).
 */
public final class DeviceScanner {

    private static final List<String> PRIVATE_LAYERS = List.of("-physical-", "-flex-", "-thinpool-");

    private final Path sys;
    private final Path dev;

    /**
     * Creates the scanner.
     *
     * @param sys sysfs root
     * @param dev device directory ({@code /dev})
     */
    public DeviceScanner(Path sys, Path dev) {
        this.sys = sys;
        this.dev = dev;
    }

    /**
     * The device nodes to probe.
     *
     * @return paths under {@code /dev}, sorted by name
     * @throws IOException if sysfs cannot be listed
     */
    public List<Path> devices() throws IOException {
        Path classBlock = sys.resolve("class/block");
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(classBlock)) {
            return out;
        }
        List<Path> entries;
        try (Stream<Path> list = Files.list(classBlock)) {
            entries = list.sorted().toList();
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (size(entry) == 0 || isPrivateLayer(entry)) {
                continue;
            }
            Path node = dev.resolve(name);
            if (Files.exists(node)) {
                out.add(node);
            }
        }
        return out;
    }

    private static long size(Path entry) {
        try {
            return Long.parseLong(Files.readString(entry.resolve("size")).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isPrivateLayer(Path entry) {
        Path dmName = entry.resolve("dm/name");
        if (!Files.isReadable(dmName)) {
            return false;
        }
        try {
            String name = Files.readString(dmName).strip();
            return name.startsWith("stratis-1-private-") && PRIVATE_LAYERS.stream().anyMatch(name::contains);
        } catch (IOException e) {
            return false;
        }
    }
}
