package org.storage.stratisd.lifecycle;

/**
 * Published when a long-lived task ended with an error; the daemon then shuts down in order and
 * exits with status 1.
 *
 * @param task  the task's name
 * @param cause what it failed with
 */
public record TaskFailed(String task, Throwable cause) {
}
