package org.storage.stratisd;

import java.util.List;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.storage.stratisd.cli.CommandLine;
import org.storage.stratisd.lifecycle.ShutdownCoordinator;
import org.storage.stratisd.tools.DumpMetadata;

/**
 * The stratisd process: parses the command line, starts the application context (which starts
 * every task in phase order and then owns the bus name), waits until shutdown is requested or a
 * task fails, closes the context (which stops every task in reverse order) and exits with 0 after
 * an orderly stop, 1 after a failure, 2 on a bad command line.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StratisdApplication {

    private static final long EXIT_GRACE_MILLIS = 10_000;

    /**
     * Runs the daemon.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(DumpMetadata.COMMAND)) {
            System.exit(DumpMetadata.run(List.of(args).subList(1, args.length), System.out, System.err));
            return;
        }
        CommandLine commandLine;
        try {
            commandLine = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        if (commandLine.help()) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        if (commandLine.version()) {
            System.out.println(CommandLine.VERSION_LINE);
            return;
        }
        exit(run(commandLine));
    }

    /**
     * Exits with a status. A shutdown hook that never returns (one was seen once, after a daemon
     * whose bus connection was in an unknown state got SIGTERM; it could not be reproduced) would
     * keep the process alive forever, so a watchdog halts it if the exit has not completed in 10 s.
     */
    private static void exit(int status) {
        Thread watchdog = Thread.ofPlatform().daemon().name("exit-watchdog").unstarted(() -> {
            try {
                Thread.sleep(EXIT_GRACE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("stratisd: exiting took longer than " + EXIT_GRACE_MILLIS / 1000 + " s; halting with status " + status);
            Runtime.getRuntime().halt(status);
        });
        watchdog.start();
        System.exit(status);
    }

    private static int run(CommandLine commandLine) {
        SpringApplication application = new SpringApplication(StratisdApplication.class);
        application.setBannerMode(Banner.Mode.OFF);
        ConfigurableApplicationContext context;
        try {
            context = application.run(commandLine.springArgs().toArray(String[]::new));
        } catch (SpringApplication.AbandonedRunException e) {
            // Spring's build-time AOT processing runs main and ends it on purpose once the context is prepared.
            throw e;
        } catch (RuntimeException e) {
            System.err.println("stratisd: failed to start: " + rootMessage(e));
            return 1;
        }
        ShutdownCoordinator coordinator = context.getBean(ShutdownCoordinator.class);
        try {
            coordinator.awaitStopRequest();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            context.close();
        } catch (RuntimeException | Error e) {
            System.err.println("stratisd: error while stopping: " + rootMessage(e));
            return 1;
        }
        return coordinator.exitStatus();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
