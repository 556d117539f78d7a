package org.storage.stratisd.dbus.wire;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Binds a connection under construction to the {@link IncomingCalls} that must receive its method
 * calls. dbus-java creates the message reader through a {@link java.util.ServiceLoader}-loaded
 * socket provider with no way to pass it an argument, but it does so on the thread that builds the
 * connection; so the binding lives in a thread-local for the duration of {@link #build} only.
 * Connections built outside {@code build} (clients, tests) are not intercepted.
 */
public final class CallInterception {

    /** Set only inside {@link #build} on the building thread, and always cleared after it. */
    private static final ThreadLocal<Binding> BINDING = new ThreadLocal<>();

    private CallInterception() {
    }

    /**
     * Builds a connection whose incoming method calls go to {@code sink}.
     *
     * @param sink    receives every method call read by the connection
     * @param budget  what the connection's writer gives back as it writes messages
     * @param lost    told of every read or write that failed on the connection's socket, on the
     *                thread that saw it (the reader or the sender thread), before dbus-java learns
     *                of it; may be told more than once
     * @param builder builds and connects the connection on this thread
     * @param <C>     the connection type
     * @return what the builder returned
     * @throws IllegalStateException if the connection was built without the intercepting reader
     *                               (another socket provider was chosen); calls would then never
     *                               reach the daemon
     * @throws Exception             whatever the builder threw
     */
    public static <C> C build(IncomingCalls sink, SendBudget budget, Consumer<IOException> lost,
                              Callable<C> builder) throws Exception {
        Binding binding = new Binding(sink, budget, lost);
        BINDING.set(binding);
        try {
            C connection = builder.call();
            if (!binding.used) {
                throw new IllegalStateException("D-Bus connection was set up without "
                        + InterceptingSocketProvider.class.getSimpleName()
                        + "; another ISocketProvider came first on the class path");
            }
            return connection;
        } finally {
            BINDING.remove();
        }
    }

    /**
     * What is bound to the connection being built on this thread, if any; marks it used.
     *
     * @return the binding, or empty outside {@link #build}
     */
    static Optional<Binding> current() {
        Binding binding = BINDING.get();
        if (binding == null) {
            return Optional.empty();
        }
        binding.used = true;
        return Optional.of(binding);
    }

    /** What the reader and writer of one connection report to. Built and marked on the building thread only. */
    static final class Binding {
        final IncomingCalls sink;
        final SendBudget budget;
        final Consumer<IOException> lost;
        private boolean used;

        private Binding(IncomingCalls sink, SendBudget budget, Consumer<IOException> lost) {
            this.sink = sink;
            this.budget = budget;
            this.lost = lost;
        }
    }
}
