package org.storage.stratisd.config;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.storage.stratisd.dbus.BusConnection;
import org.storage.stratisd.dbus.DbusConnectionHandler;
import org.storage.stratisd.dm.DmEventMonitor;
import org.storage.stratisd.observability.DaemonGauges;
import org.storage.stratisd.observability.DaemonMetrics;
import org.storage.stratisd.observability.DbusHealthIndicator;
import org.storage.stratisd.observability.DmMonitorHealthIndicator;
import org.storage.stratisd.observability.EngineHealthIndicator;
import org.storage.stratisd.observability.MicrometerDaemonMetrics;
import org.storage.stratisd.observability.ReadinessOnShutdown;
import org.storage.stratisd.observability.TreeHandlerHealthIndicator;
import org.storage.stratisd.observability.UdevMonitorHealthIndicator;
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

    @Bean
    DaemonMetrics daemonMetrics(MeterRegistry registry) {
        return new MicrometerDaemonMetrics(registry);
    }

    @Bean
    DaemonGauges daemonGauges(DbusChannel dbusChannel, UdevChannel udevChannel, DbusConnectionHandler handler, DbusTree tree) {
        return new DaemonGauges(dbusChannel, udevChannel, handler, tree);
    }

    @Bean
    ReadinessOnShutdown readinessOnShutdown(ApplicationEventPublisher events) {
        return new ReadinessOnShutdown(events);
    }

    @Bean
    DbusHealthIndicator dbusHealthIndicator(BusConnection bus, DbusConnectionHandler handler) {
        return new DbusHealthIndicator(bus, handler);
    }

    @Bean
    UdevMonitorHealthIndicator udevMonitorHealthIndicator(UdevMonitor monitor, StratisdProperties properties) {
        return new UdevMonitorHealthIndicator(monitor, properties.udevPollTimeout());
    }

    @Bean
    DmMonitorHealthIndicator dmMonitorHealthIndicator(DmEventMonitor monitor) {
        return new DmMonitorHealthIndicator(monitor);
    }

    @Bean
    TreeHandlerHealthIndicator treeHandlerHealthIndicator(DbusTreeHandler handler, DbusChannel channel) {
        return new TreeHandlerHealthIndicator(handler, channel);
    }

    @Bean
    EngineHealthIndicator engineHealthIndicator(StratisdProperties properties, DbusTree tree) {
        return new EngineHealthIndicator(properties.engine().name().toLowerCase(java.util.Locale.ROOT), tree);
    }
}
