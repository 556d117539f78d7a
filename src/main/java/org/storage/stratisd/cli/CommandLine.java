package org.storage.stratisd.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The daemon's command line, as upstream's: {@code --sim}, {@code --log-level LEVEL},
 * {@code --version}, {@code --help}. Settings can also be given Spring-style
 * ({@code --stratisd.bus-address=...}); those are passed through unchanged.
 *
 * @param help          {@code -h}/{@code --help} was given
 * @param version       {@code -V}/{@code --version} was given
 * @param springArgs    the arguments for the application context
 */
public record CommandLine(boolean help, boolean version, List<String> springArgs) {

    /** The version line {@code --version} prints. */
    public static final String VERSION_LINE = "stratisd 3.9.2";
    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");
    private static final List<String> PASSTHROUGH = List.of("--stratisd.", "--logging.", "--spring.", "--server.", "--management.");

    /** The usage text {@code --help} prints. */
    public static final String USAGE = """
            Stratis storage daemon (stratisd-java)

            Usage: stratisd [OPTIONS]
                   stratisd dump-metadata DEVICE_OR_FILE [--json]

            Options:
                  --sim                  Use the simulator engine
                  --log-level <LEVEL>    Log level: trace, debug, info, warn, error
              -h, --help                 Print help
              -V, --version              Print version

            Any setting of application.yml may also be given as --stratisd.<name>=<value>.
            """;

    /** Copies the list. */
    public CommandLine {
        springArgs = List.copyOf(springArgs);
    }

    /**
     * Parses the arguments.
     *
     * @param args the process arguments
     * @return what they ask for
     * @throws UsageException naming the argument that is wrong
     */
    public static CommandLine parse(String... args) throws UsageException {
        boolean help = false;
        boolean version = false;
        List<String> spring = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> help = true;
                case "-V", "--version" -> version = true;
                case "--sim" -> spring.add("--stratisd.engine=sim");
                case "--log-level" -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--log-level needs a value: one of " + String.join(", ", sorted()));
                    }
                    spring.add(logLevel(args[++i]));
                }
                default -> {
                    if (arg.startsWith("--log-level=")) {
                        spring.add(logLevel(arg.substring("--log-level=".length())));
                    } else if (PASSTHROUGH.stream().anyMatch(arg::startsWith)) {
                        spring.add(arg);
                    } else {
                        throw new UsageException("unexpected argument '" + arg + "'");
                    }
                }
            }
        }
        return new CommandLine(help, version, spring);
    }

    private static String logLevel(String level) throws UsageException {
        if (!LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
            throw new UsageException("invalid value '" + level + "' for --log-level: one of " + String.join(", ", sorted()));
        }
        return "--logging.level.org.storage.stratisd=" + level.toLowerCase(Locale.ROOT);
    }

    private static List<String> sorted() {
        return List.of("trace", "debug", "info", "warn", "error");
    }

    /** A command line the daemon cannot run with. */
    public static final class UsageException extends Exception {

        /**
         * Creates the exception.
         *
         * @param message what is wrong
         */
        public UsageException(String message) {
            super(message);
        }
    }
}
