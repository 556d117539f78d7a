package org.storage.stratisd.engine.strat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.storage.stratisd.engine.strat.assembly.AssemblyPlanner;
import org.storage.stratisd.engine.strat.assembly.PoolPlan;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.PoolView;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The real engine's reports as typed records, in upstream's form: serde_json's default map sorts
 * keys, so every object here lists its keys alphabetically. Each stopped pool also carries an
 * {@code assembly} object (our addition) with the plan's verdict and reason.
 */
final class Reports {

    private Reports() {
    }

    /** {@code EngineStateReport}: the running pools and everything the stopped-pools report has. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder(alphabetic = true)
    record EngineState(Map<String, String> nameToPoolUuidMap, List<Object> partiallyConstructedPools,
                       Map<String, List<String>> pathToIdsMap, List<Pool> pools, List<StoppedPool> stoppedPools,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Unreadable> unreadableDevices) {
    }

    /** The {@code stopped_pools} report. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder(alphabetic = true)
    record Stopped(Map<String, String> nameToPoolUuidMap, List<Object> partiallyConstructedPools,
                   Map<String, List<String>> pathToIdsMap, List<StoppedPool> stoppedPools) {
    }

    /** A running pool. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder(alphabetic = true)
    record Pool(String availableActions, Blockdevs blockdevs, List<Filesystem> filesystems, long fsLimit, String name,
                String uuid) {
    }

    /** A running pool's devices by tier. */
    @JsonPropertyOrder(alphabetic = true)
    record Blockdevs(List<Device> cachedevs, List<Device> datadevs) {
    }

    /** A running pool's device (upstream also reports its sector sizes and whether it is in use; not kept here). */
    @JsonPropertyOrder(alphabetic = true)
    record Device(String path, String size, String uuid) {
    }

    /** A filesystem of a running pool. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder(alphabetic = true)
    record Filesystem(String name, String origin, String size, String sizeLimit, String used, String uuid) {
    }

    /** A stopped pool and the verdict of its assembly plan. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder(alphabetic = true)
    record StoppedPool(Map<String, String> assembly, List<StoppedDevice> devices, String poolUuid) {
    }

    /** A device of a stopped pool. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder(alphabetic = true)
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record StoppedDevice(String deviceUuid, String devnode, Optional<String> keyDescription, Optional<Long> major,
                         Optional<Long> minor, Optional<String> poolName, String poolUuid) {
    }

    /** A device with the Stratis magic whose metadata cannot be read. */
    @JsonPropertyOrder(alphabetic = true)
    record Unreadable(String devnode, String reason) {
    }

    static EngineState engineState(List<PoolView> running, List<PoolPlan> plans, Map<UUID, String> failures,
                                   Map<Path, String> unreadable) {
        Stopped stopped = stopped(plans, failures);
        List<Pool> pools = running.stream().map(Reports::pool).toList();
        List<Unreadable> bad = new ArrayList<>();
        unreadable.forEach((path, reason) -> bad.add(new Unreadable(path.toString(), reason)));
        return new EngineState(stopped.nameToPoolUuidMap(), List.of(), stopped.pathToIdsMap(), pools, stopped.stoppedPools(), bad);
    }

    static Stopped stopped(List<PoolPlan> plans, Map<UUID, String> failures) {
        Map<String, String> names = new TreeMap<>();
        Map<String, List<String>> paths = new TreeMap<>();
        List<StoppedPool> stopped = new ArrayList<>();
        for (PoolPlan plan : plans) {
            plan.name().ifPresent(n -> names.put(n, plan.poolUuid().toString()));
            List<StoppedDevice> devices = new ArrayList<>();
            for (DeviceIdentity d : plan.devices()) {
                UUID device = AssemblyPlanner.deviceOf(d);
                paths.put(d.devnode().toString(), List.of(plan.poolUuid().toString(), device.toString()));
                Optional<String> devnum = switch (d) {
                    case DeviceIdentity.StratisMember m -> m.devnum();
                    case DeviceIdentity.LuksMember l -> l.devnum();
                    default -> Optional.empty();
                };
                Optional<String> key = d instanceof DeviceIdentity.LuksMember l ? l.keyDescriptions().stream().findFirst()
                        : Optional.empty();
                Optional<String> poolName = d instanceof DeviceIdentity.LuksMember l ? l.token().poolName() : Optional.empty();
                devices.add(new StoppedDevice(device.toString(), d.devnode().toString(), key,
                        devnum.map(n -> Long.parseLong(n.substring(0, n.indexOf(':')))),
                        devnum.map(n -> Long.parseLong(n.substring(n.indexOf(':') + 1))), poolName, plan.poolUuid().toString()));
            }
            Map<String, String> assembly = new TreeMap<>();
            assembly.put("state", plan.decision().label());
            assembly.put("reason", plan.decision().reason());
            Optional.ofNullable(failures.get(plan.poolUuid())).ifPresent(f -> assembly.put("last_setup_failure", f));
            stopped.add(new StoppedPool(assembly, devices, plan.poolUuid().toString()));
        }
        return new Stopped(names, List.of(), paths, stopped);
    }

    private static Pool pool(PoolView view) {
        List<Device> data = view.blockdevs().stream().map(Reports::device).toList();
        List<Filesystem> fss = view.filesystems().stream().map(Reports::filesystem).toList();
        return new Pool(view.availableActions(), new Blockdevs(List.of(), data), fss, view.fsLimit(), view.name(),
                view.uuid().toString());
    }

    private static Device device(BlockdevView dev) {
        return new Device(dev.devnode(), dev.totalPhysicalSize().shiftRight(9) + " sectors", dev.uuid().toString());
    }

    private static Filesystem filesystem(FilesystemView fs) {
        return new Filesystem(fs.name(), fs.origin().map(UUID::toString).orElse("Not set"), fs.size().shiftRight(9) + " sectors",
                fs.sizeLimit().map(l -> l.shiftRight(9) + " sectors").orElse("Not set"),
                fs.used().map(u -> u + " bytes").orElse("Unavailable"), fs.uuid().toString());
    }
}
