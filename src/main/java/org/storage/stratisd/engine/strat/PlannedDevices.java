package org.storage.stratisd.engine.strat;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.storage.stratisd.engine.strat.assembly.AssemblyPlanner;
import org.storage.stratisd.engine.strat.assembly.PoolPlan;
import org.storage.stratisd.engine.strat.backstore.Blockdev;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.Tier;

/** The devices of a planned pool, as the pool operations and the reports need them. */
final class PlannedDevices {

    private PlannedDevices() {
    }

    /**
     * The data tier's devices of a ready pool, in the order its metadata lists them, each with the
     * segments and reservations the metadata records on it.
     *
     * @param plan a plan with metadata
     * @return the devices
     */
    static List<Blockdev> dataTier(PoolPlan plan) {
        PoolSave.BlockDevMgr tier = plan.metadata().orElseThrow().backstore().dataTier().blockdev();
        return devices(plan, tier);
    }

    /**
     * The cache tier's devices of a ready pool, as {@link #dataTier} (each with its cache and
     * cache-metadata segments).
     *
     * @param plan a plan with metadata
     * @return the devices; none if the pool has no cache tier
     */
    static List<Blockdev> cacheTier(PoolPlan plan) {
        return plan.metadata().orElseThrow().backstore().cacheTier().map(c -> devices(plan, c.blockdev())).orElse(List.of());
    }

    private static List<Blockdev> devices(PoolPlan plan, PoolSave.BlockDevMgr tier) {
        List<Blockdev> out = new ArrayList<>();
        for (PoolSave.BlockDev record : tier.devs()) {
            DeviceIdentity.StratisMember m = plan.devices().stream().filter(DeviceIdentity.StratisMember.class::isInstance)
                    .map(DeviceIdentity.StratisMember.class::cast).filter(d -> d.block().deviceUuid().equals(record.uuid()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("a ready plan has every recorded device"));
            List<PoolSave.Range> used = tier.allocs().stream().flatMap(List::stream)
                    .filter(s -> s.parent().equals(record.uuid())).map(s -> new PoolSave.Range(s.start(), s.length())).toList();
            out.add(new Blockdev(record.uuid(), m.devnode(), DevNum.parse(m.devnum().orElseThrow(
                    () -> new IllegalStateException(m.devnode() + " is not a block device"))), m.block().initTimeSeconds(),
                    m.block().sizeSectors(), used, record.integrityMetaAllocs(), record.userInfo(), record.hardwareInfo()));
        }
        return out;
    }

    /**
     * When the plan's metadata was written: the newest update of any of its devices.
     *
     * @param plan the plan
     * @return the time
     */
    static Instant lastUpdate(PoolPlan plan) {
        return plan.devices().stream().filter(DeviceIdentity.StratisMember.class::isInstance)
                .map(d -> ((DeviceIdentity.StratisMember) d).mda().lastUpdate()).flatMap(Optional::stream)
                .max(Instant::compareTo).orElse(Instant.EPOCH);
    }

    /**
     * A stopped pool's device as {@code StoppedPools} shows it.
     *
     * @param plan   the plan
     * @param device the device
     * @return its view
     */
    static BlockdevView view(PoolPlan plan, DeviceIdentity device) {
        UUID uuid = AssemblyPlanner.deviceOf(device);
        Optional<PoolSave.BlockDev> record = plan.metadata().flatMap(m -> m.backstore().dataTier().blockdev().devs().stream()
                .filter(d -> d.uuid().equals(uuid)).findFirst());
        Optional<PoolSave.BlockDev> cacheRecord = plan.metadata().flatMap(m -> m.backstore().cacheTier().stream()
                .flatMap(c -> c.blockdev().devs().stream()).filter(d -> d.uuid().equals(uuid)).findFirst());
        String path = device.devnode().toString();
        return switch (device) {
            case DeviceIdentity.StratisMember m -> new BlockdevView(uuid, path, path,
                    cacheRecord.isPresent() ? Tier.CACHE : Tier.DATA, m.block().initTimeSeconds(),
                    BigInteger.valueOf(m.sizeBytes()), record.or(() -> cacheRecord).flatMap(PoolSave.BlockDev::userInfo),
                    Optional.empty());
            default -> new BlockdevView(uuid, path, path, Tier.DATA, 0, BigInteger.ZERO, Optional.empty(), Optional.empty());
        };
    }
}
