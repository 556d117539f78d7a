package org.storage.stratisd.config;

import java.nio.file.Path;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.storage.stratisd.dbus.BusConnection;
import org.storage.stratisd.dbus.DbusApi;
import org.storage.stratisd.dbus.DbusConnectionHandler;
import org.storage.stratisd.dbus.MethodAdmission;
import org.storage.stratisd.dbus.publish.PublishedStorage;
import org.storage.stratisd.dbus.publish.SignalEmitter;
import org.storage.stratisd.dm.DmEventMonitor;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.lock.EngineLock;
import org.storage.stratisd.lifecycle.ShouldExit;
import org.storage.stratisd.lifecycle.ShutdownCoordinator;
import org.storage.stratisd.lifecycle.SignalHandler;
import org.storage.stratisd.lifecycle.TaskSupervisor;
import org.storage.stratisd.metrics.DaemonMetrics;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.DbusTreeHandler;
import org.storage.stratisd.udev.DbusUdevHandler;
import org.storage.stratisd.udev.UdevChannel;
import org.storage.stratisd.udev.UdevInjector;
import org.storage.stratisd.udev.UdevMonitor;

/**
 * The seed's pieces as beans, under the seed's names: the should-exit flag, the signal handling
 * task, the two channels, the tree, the tree handler, the connection handler, the udev task and the
 * udev handler. Their start and stop order comes from their lifecycle phases.
 */
@Configuration(proxyBeanMethods = false)
class DaemonConfiguration {

    @Bean
    ShouldExit shouldExit() {
        return new ShouldExit();
    }

    @Bean
    ShutdownCoordinator shutdownCoordinator(ShouldExit shouldExit) {
        return new ShutdownCoordinator(shouldExit);
    }

    @Bean
    TaskSupervisor taskSupervisor(ApplicationEventPublisher events) {
        return new TaskSupervisor(events);
    }

    @Bean
    SignalHandler signalHandler(ApplicationEventPublisher events) {
        return new SignalHandler(events);
    }

    @Bean
    DbusChannel dbusChannel() {
        return new DbusChannel();
    }

    @Bean
    UdevChannel udevChannel() {
        return new UdevChannel();
    }

    @Bean
    DbusTree dbusTree(DaemonMetrics metrics) {
        return new DbusTree(metrics);
    }

    @Bean(destroyMethod = "destroy")
    BusConnection busConnection(StratisdProperties properties, TaskSupervisor supervisor) throws Exception {
        return new BusConnection(properties.resolveBusAddress(System.getenv("DBUS_SYSTEM_BUS_ADDRESS")), supervisor);
    }

    @Bean
    PublishedStorage publishedStorage() {
        return new PublishedStorage();
    }

    @Bean
    DbusApi dbusApi(Engine engine, EngineLock engineLock, DbusChannel channel, DbusTree tree, BusConnection bus,
                    PublishedStorage storage) {
        return new DbusApi(engine, engineLock, channel, tree, bus, storage);
    }

    @Bean
    DbusTreeHandler dbusTreeHandler(DbusChannel channel, DbusTree tree, BusConnection bus, TaskSupervisor supervisor,
                                    DaemonMetrics metrics) {
        return new DbusTreeHandler(channel, tree, new SignalEmitter(bus), supervisor, metrics);
    }

    @Bean
    DbusConnectionHandler dbusConnectionHandler(BusConnection bus, DbusApi api, DbusChannel channel,
                                                StratisdProperties properties, ShouldExit shouldExit, DaemonMetrics metrics) {
        return new DbusConnectionHandler(bus, api.router(), channel, api.registrations(),
                new MethodAdmission(properties.methodCallConcurrency(), properties.methodCallOrder()), properties.shutdownGrace(),
                properties.maxMessageBytes(), shouldExit, metrics);
    }

    @Bean
    UdevMonitor udevMonitor(UdevChannel channel, ShouldExit shouldExit, TaskSupervisor supervisor,
                            StratisdProperties properties) {
        return new UdevMonitor(channel, shouldExit, supervisor, properties.udevPollTimeout());
    }

    @Bean
    DbusUdevHandler dbusUdevHandler(UdevChannel udevChannel, DbusChannel dbusChannel, Engine engine,
                                    EngineLock engineLock, DbusApi api, TaskSupervisor supervisor,
                                    StratisdProperties properties, DaemonMetrics metrics) {
        return new DbusUdevHandler(udevChannel, dbusChannel, engine::handleDeviceEvents, engineLock,
                api::publishAfterDeviceEvents, supervisor, properties.udevPollTimeout(), metrics);
    }

    @Bean
    UdevInjector udevInjector(UdevChannel channel, TaskSupervisor supervisor, StratisdProperties properties) {
        String socket = properties.sim().udevInjectionSocket();
        boolean enabled = properties.engine() == EngineKind.SIM && !socket.isBlank();
        return new UdevInjector(channel, enabled ? Optional.of(Path.of(socket)) : Optional.empty(), supervisor);
    }

    @Bean
    DmEventMonitor dmEventMonitor(EngineConfiguration.EngineRuntime runtime, EngineLock engineLock, DbusChannel channel,
                                  DbusApi api, TaskSupervisor supervisor, StratisdProperties properties, DaemonMetrics metrics) {
        return new DmEventMonitor(runtime.dm(), runtime.engine(), engineLock, channel, api::publishAfterCheck, supervisor,
                properties.udevPollTimeout(), properties.real().checkInterval(), metrics);
    }
}
