package org.storage.stratisd.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the in-VM tests need of the guest: its scratch disk, device numbers, and commands. */
final class Guest {

    private Guest() {
    }

    /**
     * A fresh directory on the guest's scratch disk, for loop devices' backing files.
     *
     * @param name the directory's name
     * @return the directory
     */
    static Path scratch(String name) throws IOException {
        Path dir = Path.of(System.getProperty("vm.scratch", "/scratch")).resolve(name);
        Files.createDirectories(dir);
        return dir;
    }

    /**
     * A block device's number.
     *
     * @param device the device node
     * @return its {@code major:minor}
     */
    static org.storage.stratisd.engine.strat.dm.DevNum devNum(Path device) throws IOException {
        long rdev = (Long) Files.getAttribute(device, "unix:rdev");
        return new org.storage.stratisd.engine.strat.dm.DevNum((int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfff)),
                (int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xff)));
    }

    /**
     * The newest pool metadata on a device, read as any reader of it would.
     *
     * @param device a pool member
     * @return the metadata
     */
    static org.storage.stratisd.engine.strat.serde.PoolSave metadata(Path device) throws Exception {
        try (var access = org.storage.stratisd.engine.strat.device.FileBlockAccess.openReadOnly(device)) {
            return org.storage.stratisd.engine.strat.serde.PoolSaveCodec.parse(
                    org.storage.stratisd.engine.strat.metadata.MetadataArea.read(access).newest().orElseThrow().data().orElseThrow());
        }
    }

    /**
     * Waits until a device's newest recorded metadata satisfies a condition (the daemon records a
     * change its periodic check made after making it live) and returns that metadata.
     *
     * @param device    a member of the pool
     * @param what      what is awaited, for the failure message
     * @param timeout   how long at most
     * @param condition the condition
     * @return the first metadata read that satisfies it
     */
    static org.storage.stratisd.engine.strat.serde.PoolSave awaitMetadata(Path device, String what, java.time.Duration timeout,
            java.util.function.Predicate<org.storage.stratisd.engine.strat.serde.PoolSave> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var save = metadata(device);
            if (condition.test(save)) {
                return save;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last recorded: " + save);
            }
            Thread.sleep(250);
        }
    }

    /**
     * {@code blkid -p -o export} of a device, as key-value pairs (empty when blkid finds nothing).
     *
     * @param device the device
     * @return the properties
     */
    static java.util.Map<String, String> blkid(Path device) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        String text;
        try {
            text = run("blkid", "-p", "-o", "export", device.toString());
        } catch (IllegalStateException e) {
            return out;
        }
        text.lines().filter(l -> l.contains("=")).forEach(l -> out.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return out;
    }

    /**
     * Waits for a condition, polling.
     *
     * @param what      what is awaited, for the failure message
     * @param timeout   how long at most
     * @param condition the condition
     */
    static void await(String what, java.time.Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    /**
     * Runs a command and returns what it printed; fails if it fails.
     *
     * @param command the command
     * @return its standard output and error
     */
    static String run(String... command) {
        return run(List.of(), command);
    }

    /**
     * Runs a command behind a prefix (such as {@code nsenter ...}) and returns what it printed.
     *
     * @param prefix  the prefix
     * @param command the command
     * @return its standard output and error
     */
    static String run(List<String> prefix, String... command) {
        List<String> all = new java.util.ArrayList<>(prefix);
        all.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", all) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
