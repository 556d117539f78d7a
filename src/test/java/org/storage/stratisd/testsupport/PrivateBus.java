package org.storage.stratisd.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code dbus-daemon} on a private Unix socket, with the permissive policy of
 * {@code scripts/private-bus.conf}, for one test class. Closing it kills the daemon and deletes its directory.
 */
public final class PrivateBus implements AutoCloseable {

    private final Path dir;
    private final Process process;
    private final String address;

    private PrivateBus(Path dir, Process process, String address) {
        this.dir = dir;
        this.process = process;
        this.address = address;
    }

    /**
     * Starts a bus daemon.
     *
     * @return the running bus
     * @throws IOException if dbus-daemon cannot be started
     */
    public static PrivateBus start() throws IOException {
        // The same policy file the run script uses; Maven runs tests from the project directory.
        return start(Path.of("scripts/private-bus.conf"), java.util.Map.of());
    }

    /**
     * Starts a bus daemon from a configuration template: {@code @SOCKET@} becomes the socket path,
     * every other key of {@code substitutions} its value. The socket's directory is open to every
     * user, so that tests can connect as an unprivileged one.
     *
     * @param template      the configuration template
     * @param substitutions placeholder to value
     * @return the running bus
     * @throws IOException if dbus-daemon cannot be started
     */
    public static PrivateBus start(Path template, java.util.Map<String, String> substitutions) throws IOException {
        Path dir = Files.createTempDirectory("stratisd-bus");
        dir.toFile().setReadable(true, false);
        dir.toFile().setExecutable(true, false);
        Path config = dir.resolve("bus.conf");
        String text = Files.readString(template).replace("@SOCKET@", dir.resolve("bus.sock").toString());
        for (var e : substitutions.entrySet()) {
            text = text.replace(e.getKey(), e.getValue());
        }
        Files.writeString(config, text);
        // Never inherit the test JVM's output: a bus left behind would keep Maven waiting for it.
        Process process = new ProcessBuilder("dbus-daemon", "--nofork", "--print-address", "--config-file=" + config)
                .redirectError(dir.resolve("bus.log").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String address = out.readLine();
        if (address == null || address.isBlank()) {
            process.destroyForcibly();
            throw new IOException("dbus-daemon printed no address");
        }
        return new PrivateBus(dir, process, address.trim());
    }

    /**
     * The bus address, e.g. {@code unix:path=/tmp/.../bus.sock,guid=...}.
     *
     * @return the address
     */
    public String address() {
        return address;
    }

    /**
     * Kills the bus daemon, as a crash would.
     *
     * @throws InterruptedException if interrupted while waiting for it to die
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        kill();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
