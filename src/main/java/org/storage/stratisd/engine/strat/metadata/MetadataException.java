package org.storage.stratisd.engine.strat.metadata;

/**
 * On-disk metadata that cannot be read, is damaged beyond the recovery rules, or cannot be
 * written. The message names the device.
 */
public final class MetadataException extends Exception {

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the device
     */
    public MetadataException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the device
     * @param cause   the underlying error
     */
    public MetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
