package org.storage.stratisd.engine.strat.identify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link ForeignSignatures} through util-linux's {@code blkid -p} (a low-level probe of the device
 * itself, not the blkid cache), the library upstream uses for the same check.
 */
public final class BlkidSignatures implements ForeignSignatures {

    private final String blkid;

    /**
     * Creates the probe.
     *
     * @param blkid the blkid executable
     */
    public BlkidSignatures(String blkid) {
        this.blkid = blkid;
    }

    @Override
    public Optional<String> find(Path device) throws IOException {
        Process process = new ProcessBuilder(blkid, "-p", "-o", "export", device.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc;
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("blkid -p " + device + " did not finish in 30 s");
            }
            rc = process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while probing " + device, e);
        }
        if (rc == 2) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (rc != 0) {
            // blkid says 8 when it finds more than one signature (ambivalent result)
            return rc == 8 ? Optional.of("more than one signature (blkid: " + output.strip() + ")")
                    : failure(device, rc, output);
        }
        if (values.containsKey("PTTYPE")) {
            return Optional.of("a " + values.get("PTTYPE") + " partition table");
        }
        if (values.containsKey("TYPE")) {
            return Optional.of("a " + values.get("TYPE") + " signature"
                    + (values.containsKey("USAGE") ? " (" + values.get("USAGE") + ")" : ""));
        }
        return Optional.empty();
    }

    private static Optional<String> failure(Path device, int rc, String output) throws IOException {
        throw new IOException("blkid -p " + device + " failed with status " + rc + ": " + output.strip());
    }
}
