package org.storage.stratisd.engine.strat.identify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Finds signatures of anything other than Stratis on a device: filesystems, partition tables, RAID, LVM. */
@FunctionalInterface
public interface ForeignSignatures {

    /**
     * Probes a device.
     *
     * @param device the device or image file
     * @return what was found, phrased to follow "contains ", or empty if nothing
     * @throws IOException if the probe cannot run
     */
    Optional<String> find(Path device) throws IOException;
}
