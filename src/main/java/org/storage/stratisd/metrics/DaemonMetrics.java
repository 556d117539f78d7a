package org.storage.stratisd.metrics;

/**
 * What the daemon's tasks report about their work. Plain Java, so that the tree, the D-Bus layer
 * and the udev tasks need no metrics library; {@code observability.MicrometerDaemonMetrics} publishes it.
 */
public interface DaemonMetrics {

    /** Reports nothing; for tests and tools. */
    DaemonMetrics NONE = new DaemonMetrics() {
        @Override
        public void methodCall(String iface, String member, String outcome, long nanos) {
        }

        @Override
        public void lock(String lock, String mode, long waitNanos, long holdNanos) {
        }

        @Override
        public void treeUpdateApplied(long nanosSinceSent) {
        }

        @Override
        public void udevEventsHandled(int events, long nanos) {
        }

        @Override
        public void poolChecked(String trigger, boolean changed, long nanos) {
        }
    };

    /**
     * A method call was answered.
     *
     * @param iface   the interface (or {@code unknown} for one the daemon does not define)
     * @param member  the method (or {@code unknown})
     * @param outcome {@code ok}, {@code rc_error} (Stratis return code 1) or {@code dbus_error}
     * @param nanos   from the start of its task to the reply
     */
    void methodCall(String iface, String member, String outcome, long nanos);

    /**
     * A lock was held and released.
     *
     * @param lock      {@code tree}, {@code pool} or {@code all}
     * @param mode      {@code read} or {@code write}
     * @param waitNanos how long the request waited
     * @param holdNanos how long it was held
     */
    void lock(String lock, String mode, long waitNanos, long holdNanos);

    /**
     * A batch of tree updates became visible.
     *
     * @param nanosSinceSent from the engine change (the send on the dbus channel) to the tree showing it
     */
    void treeUpdateApplied(long nanosSinceSent);

    /**
     * A batch of udev events was handled.
     *
     * @param events how many
     * @param nanos  how long the engine and the publication took
     */
    void udevEventsHandled(int events, long nanos);

    /**
     * The device-mapper event task checked a pool.
     *
     * @param trigger {@code event} (a device-mapper event) or {@code timer} (the 10 s timer)
     * @param changed whether the check grew a device or changed the out-of-space mode
     * @param nanos   how long the check took, including waiting for the pool's lock
     */
    void poolChecked(String trigger, boolean changed, long nanos);
}
