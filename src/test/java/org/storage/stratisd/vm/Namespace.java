package org.storage.stratisd.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Running a command in the daemon's private mount namespace, which one of its threads holds. */
final class Namespace {

    private Namespace() {
    }

    /**
     * The {@code nsenter} prefix that enters the mount namespace of the daemon's namespace thread.
     *
     * @param daemon the daemon
     * @return the command prefix
     */
    static List<String> enter(RealDaemon daemon) throws IOException {
        Path tasks = Path.of("/proc", Long.toString(daemon.process().pid()), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path task : threads.toList()) {
                if (Files.readString(task.resolve("comm")).strip().startsWith("stratisd-mount")) {
                    return List.of("nsenter", "-t", task.getFileName().toString(), "-m", "--");
                }
            }
        }
        throw new IllegalStateException("the daemon has no namespace thread");
    }
}
