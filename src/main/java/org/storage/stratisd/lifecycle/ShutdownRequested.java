package org.storage.stratisd.lifecycle;

/**
 * Published when the daemon is asked to stop in order (SIGINT, SIGTERM).
 *
 * @param reason what asked, e.g. {@code SIGINT}
 */
public record ShutdownRequested(String reason) {
}
