package org.storage.stratisd.engine.strat.sys;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The daemon's private mount namespace (real-engine spec §4, §8.1): where the metadata volumes are
 * mounted, out of the host's sight, under {@link #root()}. File operations on a mounted metadata
 * volume run through {@link #inside}, since only the namespace sees the mount.
 */
public interface Mounts {

    /** An operation on files inside the namespace. */
    @FunctionalInterface
    interface Action<T> {
        /**
         * Runs it.
         *
         * @return its result
         * @throws IOException on failure
         */
        T run() throws IOException;
    }

    /**
     * Where the private mounts are: {@code /run/stratisd/ns_mounts}.
     *
     * @return the directory
     */
    Path root();

    /**
     * Mounts a filesystem in the namespace; a mount that is already there counts as done.
     *
     * @param device  the device node
     * @param target  the mount point (created if missing)
     * @param fsType  e.g. {@code xfs}
     * @param options mount data, or empty
     * @throws IOException naming the device and the mount point if it cannot be mounted
     */
    void mount(Path device, Path target, String fsType, String options) throws IOException;

    /**
     * Unmounts a filesystem of the namespace (two tries, 100 ms apart) and removes the mount point.
     *
     * @param target the mount point
     * @throws IOException if it stays mounted
     */
    void unmount(Path target) throws IOException;

    /**
     * Runs file operations where the namespace's mounts are visible.
     *
     * @param action the operations
     * @param <T>    their result
     * @return their result
     * @throws IOException if they fail
     */
    <T> T inside(Action<T> action) throws IOException;
}
