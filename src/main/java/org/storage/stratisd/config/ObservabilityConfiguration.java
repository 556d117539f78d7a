package org.storage.stratisd.config;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.storage.stratisd.dbus.BusConnection;
import org.storage.stratisd.dbus.DbusConnectionHandler;
import org.storage.stratisd.dbus.publish.PublishedStorage;
import org.storage.stratisd.dm.DmEventMonitor;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.metrics.DaemonMetrics;
import org.storage.stratisd.observability.DaemonGauges;
import org.storage.stratisd.observability.DaemonHealth;
import org.storage.stratisd.observability.MicrometerDaemonMetrics;
import org.storage.stratisd.observability.ReadinessOnShutdown;
import org.storage.stratisd.observability.StorageMeters;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.DbusTreeHandler;
import org.storage.stratisd.udev.UdevChannel;
import org.storage.stratisd.udev.UdevMonitor;

/**
 * Metrics and health. Health contributor names come from the bean names ({@code dbus},
 * {@code udevMonitor}, {@code dmMonitor}, {@code treeHandler}, {@code engine}); the liveness and
 * readiness groups that use them are set in {@code application.properties}.
 */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

    /** The parts whose health is also a metric, {@code stratisd_component_up}. */
    private static final List<String> PARTS = List.of("dbus", "treeHandler", "udevMonitor", "dmMonitor");

    /**
     * Start-up: the framework's beans are created lazily ({@code spring.main.lazy-initialization}),
     * so the web endpoints, their mappings and the MVC infrastructure are built on the management
     * server's first request instead of before the bus name is requested. The daemon's own beans,
     * and whatever they need (the meter registry, the health indicators they feed), stay eager.
     *
     * @return the filter that keeps this daemon's beans eager
     */
    @Bean
    static LazyInitializationExcludeFilter daemonBeansEager() {
        return (name, definition, type) -> type.getPackageName().startsWith("org.storage.stratisd");
    }

    @Bean
    DaemonMetrics daemonMetrics(MeterRegistry registry) {
        return new MicrometerDaemonMetrics(registry);
    }

    @Bean
    DaemonGauges daemonGauges(DbusChannel dbusChannel, UdevChannel udevChannel, DbusConnectionHandler handler, DbusTree tree,
                              Map<String, HealthIndicator> indicators, ObjectProvider<HealthEndpoint> health,
                              DmEventMonitor dmMonitor) {
        // The daemon's own parts, named as in /actuator/health (bean name less "HealthIndicator").
        Map<String, HealthIndicator> parts = new TreeMap<>();
        for (String part : PARTS) {
            HealthIndicator indicator = indicators.get(part + "HealthIndicator");
            if (indicator != null) {
                parts.put(part, indicator);
            }
        }
        return new DaemonGauges(dbusChannel, udevChannel, handler, tree, parts, () -> {
            HealthDescriptor readiness = health.getObject().healthForPath("readiness");
            return readiness != null && Status.UP.equals(readiness.getStatus());
        }, dmMonitor);
    }

    @Bean(destroyMethod = "close")
    StorageMeters storageMeters(PublishedStorage storage, Engine engine, StratisdProperties properties) {
        return new StorageMeters(storage, engine, properties.storageMetricsRefresh());
    }

    @Bean
    ReadinessOnShutdown readinessOnShutdown(ApplicationEventPublisher events) {
        return new ReadinessOnShutdown(events);
    }

    @Bean
    HealthIndicator dbusHealthIndicator(BusConnection bus, DbusConnectionHandler handler) {
        return DaemonHealth.dbus(bus, handler);
    }

    @Bean
    HealthIndicator udevMonitorHealthIndicator(UdevMonitor monitor, StratisdProperties properties) {
        return DaemonHealth.udevMonitor(monitor, properties.udevPollTimeout());
    }

    @Bean
    HealthIndicator dmMonitorHealthIndicator(DmEventMonitor monitor) {
        return DaemonHealth.dmMonitor(monitor);
    }

    @Bean
    HealthIndicator treeHandlerHealthIndicator(DbusTreeHandler handler, DbusChannel channel) {
        return DaemonHealth.treeHandler(handler, channel);
    }

    @Bean
    HealthIndicator engineHealthIndicator(StratisdProperties properties, DbusTree tree) {
        return DaemonHealth.engine(properties.engine().name().toLowerCase(java.util.Locale.ROOT), tree);
    }
}
