package org.storage.stratisd.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged daemon jar running as a real child process, its output captured in a file. Signals
 * are sent with {@code kill}, as an operator or systemd would.
 */
public final class DaemonProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private DaemonProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -jar stratisd-java.jar --sim} on the given bus.
     *
     * @param busAddress the bus
     * @param extraArgs  more daemon arguments
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static DaemonProcess start(String busAddress, String... extraArgs) throws IOException {
        return start(true, busAddress, extraArgs);
    }

    /**
     * Starts {@code java -jar stratisd-java.jar} with the real engine on the given bus.
     *
     * @param busAddress the bus
     * @param extraArgs  more daemon arguments
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static DaemonProcess startReal(String busAddress, String... extraArgs) throws IOException {
        return start(false, busAddress, extraArgs);
    }

    private static DaemonProcess start(boolean sim, String busAddress, String... extraArgs) throws IOException {
        String jar = System.getProperty("stratisd.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("System property stratisd.jar must name the packaged jar; run through mvn verify");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        // As shipped: with the build-time Spring AOT bean definitions (see systemd/stratisd-java).
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-Dspring.aot.enabled=true"));
        // Settings for a slow guest (the VM suite passes C1-only and the serial collector).
        String extra = System.getProperty("stratisd.test.daemon-jvm-options", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.strip().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar, "--stratisd.bus-address=" + busAddress, "--server.port=0"));
        if (sim) {
            command.add("--sim");
        }
        command.addAll(List.of(extraArgs));
        Path log = Files.createTempFile("stratisd", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new DaemonProcess(process, log);
    }

    /**
     * Waits until the daemon owns its bus name.
     *
     * @param client  a client on the same bus
     * @param timeout how long to wait
     * @throws IllegalStateException if the daemon exits or the time runs out first
     */
    public void awaitNameOwned(BusClient client, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!client.nameHasOwner("org.storage.stratis3")) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Daemon exited with " + process.exitValue() + " before owning its name:\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Daemon did not own its name within " + timeout + ":\n" + log());
            }
            Thread.sleep(5);
        }
    }

    /**
     * Waits until the log contains a text at least {@code count} times.
     *
     * @param text    the text
     * @param count   how many times
     * @param timeout how long to wait
     */
    public void awaitLog(String text, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (occurrences(text) < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Log did not show '" + text + "' " + count + " times:\n" + log());
            }
            Thread.sleep(5);
        }
    }

    private int occurrences(String text) {
        String content = log();
        int n = 0;
        for (int i = content.indexOf(text); i >= 0; i = content.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Sends a signal with {@code kill}.
     *
     * @param name e.g. {@code INT}
     */
    public void signal(String name) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException("kill -" + name + " failed with " + rc);
        }
    }

    /**
     * Waits for the process to exit.
     *
     * @param timeout how long to wait
     * @return its exit status
     * @throws IllegalStateException if it is still running then
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Daemon still running after " + timeout + ":\n" + log());
        }
        return process.exitValue();
    }

    /**
     * The port the management server listens on, read from the daemon's log.
     *
     * @param timeout how long to wait for the server to start
     * @return the port
     */
    public int managementPort(Duration timeout) throws InterruptedException {
        awaitLog("Tomcat started on port ", 1, timeout);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Tomcat started on port (\\d+)").matcher(log());
        if (!m.find()) {
            throw new IllegalStateException("No management port in the log:\n" + log());
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * The daemon's process id.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Whether the process is still running.
     *
     * @return true if alive
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * What the daemon printed so far.
     *
     * @return the captured output
     */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<log unreadable: " + e + ">";
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(log);
    }
}
