package org.storage.stratisd.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loop devices over sparse image files, for tests of the real engine. Only devices this object
 * attached are ever detached, and only files it created are written.
 */
public final class LoopDevices implements AutoCloseable {

    private final Path dir;
    private final List<Path> attached = new ArrayList<>();

    /**
     * Creates the set.
     *
     * @param dir where the image files go
     */
    public LoopDevices(Path dir) {
        this.dir = dir;
    }

    /**
     * Whether loop devices can be attached here (root and losetup).
     *
     * @return true if they can
     */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("losetup", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 && "root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/loop-control"));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Creates a sparse image file starting with the given bytes.
     *
     * @param name  file name
     * @param start its first bytes
     * @param size  its size
     * @return the file
     */
    public Path image(String name, byte[] start, long size) throws IOException {
        return ImageFiles.sparse(dir, name, start, size);
    }

    /**
     * Attaches a file to the first free loop device.
     *
     * @param file the image
     * @return the loop device
     */
    public Path attach(Path file) throws IOException, InterruptedException {
        Path device = Path.of(run("losetup", "-f", "--show", file.toString()).strip());
        attached.add(device);
        return device;
    }

    /**
     * Attaches a file to a given loop device.
     *
     * @param device the loop device
     * @param file   the image
     */
    public void attach(Path device, Path file) throws IOException, InterruptedException {
        run("losetup", device.toString(), file.toString());
        attached.add(device);
    }

    /**
     * Detaches one of this set's devices.
     *
     * @param device the loop device
     */
    public void detach(Path device) throws IOException, InterruptedException {
        if (attached.remove(device)) {
            run("losetup", "-d", device.toString());
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Path device : List.copyOf(attached)) {
            detach(device);
        }
    }
}
