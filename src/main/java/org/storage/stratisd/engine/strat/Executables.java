package org.storage.stratisd.engine.strat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the external programs the real engine runs: an absolute path is taken as it is, a name is
 * searched for in the search directories, by default upstream's ({@link #UPSTREAM}).
 *
 * @param search the directories searched, in order
 */
public record Executables(List<Path> search) {

    /** The directories upstream searches, in order. */
    public static final List<Path> UPSTREAM = List.of(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/bin"), Path.of("/bin"));

    /** Copies the list. */
    public Executables {
        search = List.copyOf(search);
    }

    /**
     * Resolves an executable.
     *
     * @param name a name or an absolute path
     * @return the absolute path
     * @throws IllegalStateException with upstream's message if it is not found
     */
    public Path find(String name) {
        Path given = Path.of(name);
        if (given.isAbsolute()) {
            if (Files.isExecutable(given)) {
                return given;
            }
        } else {
            for (Path dir : search) {
                Path candidate = dir.resolve(name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("Unable to find executable \"" + name + "\" in any of "
                + String.join(", ", search.stream().map(p -> "\"" + p + "\"").toList()));
    }
}
