package org.storage.stratisd.engine.strat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds the external programs the real engine runs, where upstream looks for them. */
public final class Executables {

    /** The directories searched, in order (upstream's list). */
    public static final List<Path> SEARCH = List.of(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/bin"), Path.of("/bin"));

    private Executables() {
    }

    /**
     * Resolves an executable: an absolute path is taken as it is, a name is searched for.
     *
     * @param name a name or an absolute path
     * @return the absolute path
     * @throws IllegalStateException with upstream's message if it is not found
     */
    public static Path find(String name) {
        Path given = Path.of(name);
        if (given.isAbsolute()) {
            if (Files.isExecutable(given)) {
                return given;
            }
        } else {
            for (Path dir : SEARCH) {
                Path candidate = dir.resolve(name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("Unable to find executable \"" + name + "\" in any of "
                + String.join(", ", SEARCH.stream().map(p -> "\"" + p + "\"").toList()));
    }
}
