package org.storage.stratisd.engine.strat.backstore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@link ThinMetadataSize} by running thin-provisioning-tools' {@code thin_metadata_size}, as
 * upstream does: {@code thin_metadata_size -b <block>b -s <size>b -m <thins> -n} prints the size
 * in sectors.
 */
public final class ThinMetadataSizeTool implements ThinMetadataSize {

    private final String executable;

    /**
     * Creates the runner.
     *
     * @param executable path or name of {@code thin_metadata_size}
     */
    public ThinMetadataSizeTool(String executable) {
        this.executable = executable;
    }

    @Override
    public long sectors(long blockSizeBytes, long poolSizeBytes, long maxThins) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(executable, "-b", blockSizeBytes + "b", "-s", poolSizeBytes + "b", "-m",
                    Long.toString(maxThins), "-n").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("Unable to run \"" + executable + "\" (package thin-provisioning-tools): " + e.getMessage(), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(executable + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + executable, e);
        }
        if (process.exitValue() != 0 || !output.matches("[0-9]+")) {
            throw new IOException(executable + " failed (status " + process.exitValue() + "): " + output);
        }
        return Long.parseLong(output);
    }
}
