package org.storage.stratisd.engine.strat.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external programs the real engine runs, with the exact arguments of upstream 3.9.2
 * (real-engine spec §2.6, §2.7, §5.2, §5.3): {@code mkfs.xfs}, {@code xfs_db}, {@code xfs_growfs},
 * {@code thin_check} and {@code thin_repair}; {@link #run(String, List, byte[])} also serves
 * {@code cryptsetup}, with the passphrase on its standard input. Executables are found where upstream looks for them
 * (see {@code Executables}); a failure names the program, its arguments, its status and its output.
 */
public final class Tools {

    private static final long TIMEOUT_SECONDS = 600;
    private static final Logger log = LoggerFactory.getLogger(Tools.class);
    private static final Pattern MKFS_VERSION = Pattern.compile("mkfs\\.xfs version (\\d+)\\.");

    private final Function<String, Path> executables;
    /** Set on first use (mkfs.xfs -V), then read: whether mkfs.xfs needs {@code -i nrext64=0}; guarded by this. */
    private Boolean nrext64;

    /**
     * Creates the runner.
     *
     * @param executables resolves a program's name to its path
     */
    public Tools(Function<String, Path> executables) {
        this.executables = executables;
    }

    /**
     * Makes an XFS filesystem with the given UUID: {@code mkfs.xfs -f <dev> -m uuid=<uuid>}, plus
     * {@code -i nrext64=0} when mkfs.xfs is 6.0.0 or later (so older kernels can mount it).
     *
     * @param device the device
     * @param uuid   the filesystem's UUID (the pool's for a metadata volume)
     * @throws IOException if mkfs.xfs fails
     */
    public void mkfsXfs(Path device, UUID uuid) throws IOException {
        List<String> args = new ArrayList<>(List.of("-f", device.toString(), "-m", "uuid=" + uuid));
        if (needsNrext64()) {
            args.addAll(List.of("-i", "nrext64=0"));
        }
        run("mkfs.xfs", args);
    }

    /**
     * Gives an XFS filesystem a new UUID: {@code xfs_db -x -c "uuid <uuid>" <dev>}.
     *
     * @param device the device
     * @param uuid   the new UUID
     * @throws IOException if xfs_db fails
     */
    public void setXfsUuid(Path device, UUID uuid) throws IOException {
        run("xfs_db", List.of("-x", "-c", "uuid " + uuid, device.toString()));
    }

    /**
     * Grows a mounted XFS filesystem to its device: {@code xfs_growfs <mountpoint> -d}.
     *
     * @param mountPoint where it is mounted
     * @throws IOException if xfs_growfs fails
     */
    public void xfsGrowfs(Path mountPoint) throws IOException {
        run("xfs_growfs", List.of(mountPoint.toString(), "-d"));
    }

    /**
     * Checks thin-pool metadata: {@code thin_check --auto-repair <dev>}.
     *
     * @param meta the metadata device
     * @throws IOException if the metadata does not check
     */
    public void thinCheck(Path meta) throws IOException {
        run("thin_check", List.of("--auto-repair", meta.toString()));
    }

    /**
     * Repairs thin-pool metadata into another device: {@code thin_repair -i <in> -o <out>}.
     *
     * @param in  the damaged metadata
     * @param out where the repaired copy goes
     * @throws IOException if the repair fails
     */
    public void thinRepair(Path in, Path out) throws IOException {
        run("thin_repair", List.of("-i", in.toString(), "-o", out.toString()));
    }

    private synchronized boolean needsNrext64() throws IOException {
        if (nrext64 == null) {
            String version = run("mkfs.xfs", List.of("-V")).strip();
            Matcher m = MKFS_VERSION.matcher(version);
            nrext64 = !m.find() || Integer.parseInt(m.group(1)) >= 6;
        }
        return nrext64;
    }

    /**
     * Runs a program and waits for it.
     *
     * @param program its name
     * @param args    its arguments
     * @return what it printed (standard output and error)
     * @throws IOException if it cannot run or exits with a status other than 0
     */
    public String run(String program, List<String> args) throws IOException {
        return run(program, args, new byte[0]);
    }

    /**
     * Runs a program with bytes on its standard input (closed after them) and waits for it. The
     * bytes are a secret (a passphrase): they never appear in a message; the caller clears them.
     *
     * @param program its name
     * @param args    its arguments
     * @param stdin   what it reads from its standard input
     * @return what it printed (standard output and error)
     * @throws IOException if it cannot run or exits with a status other than 0
     */
    public String run(String program, List<String> args, byte[] stdin) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executables.apply(program).toString());
        command.addAll(args);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = process.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // The program exited without reading its input: its status and output say why.
            log.debug("{} did not read its input: {}", program, e.getMessage());
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        log.debug("{}: status {} after {} ms", String.join(" ", command), process.exitValue(), (System.nanoTime() - start) / 1_000_000);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with status " + process.exitValue()
                    + (output.isEmpty() ? "" : ": " + output));
        }
        return output;
    }
}
