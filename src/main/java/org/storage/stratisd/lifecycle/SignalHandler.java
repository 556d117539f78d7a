package org.storage.stratisd.lifecycle;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import sun.misc.Signal;

/**
 * The signal handling task: SIGINT (what upstream and its systemd unit use) and SIGTERM (what
 * containers and Kubernetes send) each publish {@link ShutdownRequested}. The JVM delivers signals on
 * its own signal thread, so the handler is never starved by busy tasks; it only publishes the event.
 * Installing replaces the JVM's default action (run shutdown hooks, exit 130 or 143), which is what
 * gives an orderly stop with status 0.
 *
 * <p>A process started in the background by a non-interactive shell inherits SIGINT as ignored, and
 * the JVM then silently declines to handle it: such a daemon could never be stopped with SIGINT.
 * So where a signal arrives ignored, its default disposition is restored (libc {@code signal}) and
 * the handler installed again.
 */
public final class SignalHandler {

    private static final Logger log = LoggerFactory.getLogger(SignalHandler.class);
    /** Signal names and their Linux numbers. */
    private static final Map<String, Integer> SIGNALS = Map.of("INT", 2, "TERM", 15);

    /**
     * Installs the handlers.
     *
     * @param events where {@link ShutdownRequested} is published
     */
    public SignalHandler(ApplicationEventPublisher events) {
        sun.misc.SignalHandler handler = signal -> events.publishEvent(new ShutdownRequested("SIG" + signal.getName()));
        SIGNALS.forEach((name, number) -> {
            Signal signal = new Signal(name);
            if (Signal.handle(signal, handler) == sun.misc.SignalHandler.SIG_IGN) {
                log.debug("SIG{} was inherited as ignored; restoring its default before handling it", name);
                LibC.INSTANCE.signal(number, Pointer.NULL);
                Signal.handle(signal, handler);
            }
        });
        log.debug("Handling SIGINT and SIGTERM");
    }

    /** libc's {@code signal}; a null handler is {@code SIG_DFL}. */
    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        Pointer signal(int signum, Pointer handler);
    }
}
