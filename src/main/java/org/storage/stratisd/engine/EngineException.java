package org.storage.stratisd.engine;

/**
 * A failure the engine reports to its caller: bad input, a conflict with existing state, or an
 * operation the engine cannot perform. The message is the text clients see (the D-Bus layer puts
 * it in {@code return_string}), so it names the pool, device or value concerned.
 */
public final class EngineException extends Exception {

    /**
     * Creates an engine error whose message is shown to clients as it is.
     *
     * @param message the client-visible text
     */
    public EngineException(String message) {
        super(message);
    }
}
