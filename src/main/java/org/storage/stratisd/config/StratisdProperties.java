package org.storage.stratisd.config;

import org.storage.stratisd.dbus.MethodAdmission;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.storage.stratisd.engine.sim.SimCapacity;

/**
 * The daemon's settings, prefix {@code stratisd}. Every setting and its default is listed in the
 * top-level {@code application.yml}; the command-line flags {@code --sim} and {@code --log-level}
 * set {@code stratisd.engine} and the log level.
 *
 * @param engine                which engine runs; {@code --sim} selects {@link EngineKind#SIM}
 * @param busAddress            D-Bus address; empty means the system bus
 *                              ({@code DBUS_SYSTEM_BUS_ADDRESS}, else the standard socket)
 * @param methodCallConcurrency at most this many method tasks run at once (the seed's 512)
 * @param methodCallOrder       how calls beyond that bound wait: a queue per sender served round-robin
 *                              (the default, so one sender's flood does not starve another's calls),
 *                              or one queue in arrival order (for comparison)
 * @param udevPollTimeout       how long one udev poll waits; bounds how late the udev task notices shutdown
 * @param shutdownGrace         how long shutdown waits for method tasks already running
 * @param maxMessageBytes       the largest message the bus accepts (dbus-daemon's max_message_size, by
 *                              default 32 MiB); a reply that would be larger is answered with a
 *                              LimitsExceeded error, since sending it would make the bus drop the daemon
 * @param locking               per-pool locks, or one engine-wide mutex (for comparison)
 * @param storageMetricsRefresh how often the storage metrics look for pools and filesystems that
 *                              came, went or changed (default 1 s; a scrape is at most this far behind)
 * @param sim                   simulator settings
 * @param real                  real-engine settings
 */
@ConfigurationProperties("stratisd")
public record StratisdProperties(
        @DefaultValue("real") EngineKind engine,
        @DefaultValue("") String busAddress,
        @DefaultValue("512") int methodCallConcurrency,
        @DefaultValue("per-sender") MethodAdmission.Order methodCallOrder,
        @DefaultValue("100ms") Duration udevPollTimeout,
        @DefaultValue("60s") Duration shutdownGrace,
        @DefaultValue("33554432") long maxMessageBytes,
        @DefaultValue("per-pool") Locking locking,
        @DefaultValue("1s") Duration storageMetricsRefresh,
        @DefaultValue Sim sim,
        @DefaultValue Real real) {

    /** The standard system bus socket. */
    static final String SYSTEM_BUS = "unix:path=/run/dbus/system_bus_socket";

    /** Rejects settings the daemon cannot run with, at start-up. */
    public StratisdProperties {
        if (methodCallConcurrency < 1) {
            throw new IllegalArgumentException("stratisd.method-call-concurrency must be at least 1, not " + methodCallConcurrency);
        }
        requirePositive("stratisd.udev-poll-timeout", udevPollTimeout);
        requirePositive("stratisd.shutdown-grace", shutdownGrace);
        requirePositive("stratisd.storage-metrics-refresh", storageMetricsRefresh);
        if (maxMessageBytes < 4096) {
            throw new IllegalArgumentException("stratisd.max-message-bytes must be at least 4096, not " + maxMessageBytes);
        }
    }

    /**
     * The address to connect to: the configured one, else {@code DBUS_SYSTEM_BUS_ADDRESS}, else the
     * standard system bus socket.
     *
     * @param environmentAddress the value of {@code DBUS_SYSTEM_BUS_ADDRESS}, or null
     * @return the address
     */
    public String resolveBusAddress(String environmentAddress) {
        if (!busAddress.isBlank()) {
            return busAddress;
        }
        return environmentAddress == null || environmentAddress.isBlank() ? SYSTEM_BUS : environmentAddress;
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    /** How the engine is locked. */
    public enum Locking {
        /** Per-pool read/write locks with an all mode (the default). */
        PER_POOL,
        /** One mutex for the whole engine, as the seed design has it. */
        ENGINE_MUTEX
    }

    /**
     * Simulator settings.
     *
     * @param operationDelay          how long every mutating simulator operation takes (default none);
     *                                for tests and benchmarks that need calls in flight
     * @param filesystemCreationDelay further time each filesystem creation takes (default none)
     * @param udevInjectionSocket     a Unix socket path where simulated udev events are accepted, for
     *                                benchmarks of the event path; empty (the default): none
     * @param capacity                how pool sizes are reported: {@code upstream} (the default, upstream's
     *                                simulator's fixed values) or {@code devices} (from the pool's devices,
     *                                so a pool fills as filesystems are made; for monitoring tests)
     */
    public record Sim(@DefaultValue("0s") Duration operationDelay, @DefaultValue("0s") Duration filesystemCreationDelay,
                      @DefaultValue("") String udevInjectionSocket, @DefaultValue("upstream") SimCapacity capacity) {

        /** Rejects a negative delay. */
        public Sim {
            if (operationDelay.isNegative() || filesystemCreationDelay.isNegative()) {
                throw new IllegalArgumentException("stratisd.sim delays must not be negative");
            }
        }
    }

    /**
     * Real-engine settings.
     *
     * @param blkid            the blkid executable (util-linux), for foreign signatures on new devices
     * @param thinMetadataSize the thin_metadata_size executable (thin-provisioning-tools), for new pools
     * @param executablePath   where programs given by name are looked for (upstream's directories by default)
     * @param checkInterval    how often the device-mapper event task checks every pool besides on events (upstream: 10 s)
     */
    public record Real(@DefaultValue("blkid") String blkid, @DefaultValue("thin_metadata_size") String thinMetadataSize,
                       @DefaultValue("/usr/sbin,/sbin,/usr/bin,/bin") List<Path> executablePath,
                       @DefaultValue("10s") Duration checkInterval) {

        /** Rejects settings the real engine cannot run with. */
        public Real {
            if (executablePath.isEmpty()) {
                throw new IllegalArgumentException("stratisd.real.executable-path must name at least one directory");
            }
            requirePositive("stratisd.real.check-interval", checkInterval);
        }
    }
}
