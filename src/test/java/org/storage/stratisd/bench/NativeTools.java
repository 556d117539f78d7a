package org.storage.stratisd.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the suite's C programs ({@code bench/c}: the libdbus echo service of floor 2, the
 * libdbus load driver, the libdbus signal subscriber of the event path and the flooding client of
 * the fairness scenario) with gcc and pkg-config, into {@code target/bench/bin}. Needs
 * {@code libdbus-1-dev}, which {@code scripts/bench.sh} installs where it is missing.
 */
final class NativeTools {

    private NativeTools() {
    }

    static Path build() throws IOException, InterruptedException {
        Path bin = Path.of("target/bench/bin");
        Files.createDirectories(bin);
        List<String> flags = List.of(run("pkg-config", "--cflags", "--libs", "dbus-1").strip().split("\\s+"));
        for (String program : List.of("echo", "loadgen", "sigwatch", "flood")) {
            List<String> command = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-pthread", "-o", bin.resolve(program).toString(),
                    "bench/c/" + program + ".c"));
            command.addAll(flags);
            run(command.toArray(String[]::new));
        }
        return bin;
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (is libdbus-1-dev installed? scripts/bench.sh"
                    + " installs it): " + out);
        }
        return out;
    }
}
