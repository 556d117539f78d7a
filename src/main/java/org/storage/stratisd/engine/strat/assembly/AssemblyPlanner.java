package org.storage.stratisd.engine.strat.assembly;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity.LuksMember;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity.StratisMember;
import org.storage.stratisd.engine.strat.metadata.MetadataArea;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSaveCodec;

/**
 * Start-up assembly planning (real-engine spec §8.3): groups identified devices by pool UUID,
 * reads each pool's newest metadata (from the device whose last update is the latest; no
 * fall-back to other devices, as upstream) and decides whether the pool can be set up, stays
 * stopped, is locked, is missing devices, or contradicts itself. It reads nothing itself: the
 * identities carry the signature blocks and metadata regions.
 */
public final class AssemblyPlanner {

    private AssemblyPlanner() {
    }

    /**
     * Plans every pool the devices belong to.
     *
     * @param identities identified devices; those that are not members are ignored
     * @return one plan per pool UUID, ordered by UUID
     */
    public static List<PoolPlan> plan(Collection<DeviceIdentity> identities) {
        Map<UUID, List<DeviceIdentity>> byPool = new HashMap<>();
        for (DeviceIdentity identity : identities) {
            poolOf(identity).ifPresent(pool -> byPool.computeIfAbsent(pool, p -> new ArrayList<>()).add(identity));
        }
        return byPool.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> planPool(e.getKey(), e.getValue())).toList();
    }

    /**
     * The pool a device belongs to, if it is a member.
     *
     * @param identity the device
     * @return its pool UUID
     */
    public static Optional<UUID> poolOf(DeviceIdentity identity) {
        return switch (identity) {
            case StratisMember m -> Optional.of(m.block().poolUuid());
            case LuksMember l -> Optional.of(l.token().poolUuid());
            default -> Optional.empty();
        };
    }

    /**
     * The device UUID of a member.
     *
     * @param identity a member
     * @return its device UUID
     */
    public static UUID deviceOf(DeviceIdentity identity) {
        return switch (identity) {
            case StratisMember m -> m.block().deviceUuid();
            case LuksMember l -> l.token().deviceUuid();
            default -> throw new IllegalArgumentException("not a pool member: " + identity.devnode());
        };
    }

    private static PoolPlan planPool(UUID pool, List<DeviceIdentity> devices) {
        List<DeviceIdentity> sorted = devices.stream().sorted(Comparator.comparing(d -> d.devnode().toString())).toList();
        Map<UUID, List<DeviceIdentity>> byDevice = new LinkedHashMap<>();
        for (DeviceIdentity d : sorted) {
            byDevice.computeIfAbsent(deviceOf(d), u -> new ArrayList<>()).add(d);
        }
        for (Map.Entry<UUID, List<DeviceIdentity>> e : byDevice.entrySet()) {
            if (e.getValue().size() > 1) {
                return new PoolPlan(pool, Optional.empty(), sorted, Optional.empty(), Optional.empty(),
                        new PoolPlan.Decision.Invalid("device UUID " + e.getKey() + " was found on more than one device: "
                                + String.join(", ", e.getValue().stream().map(d -> d.devnode().toString()).toList())));
            }
        }
        List<LuksMember> locked = sorted.stream().filter(LuksMember.class::isInstance).map(LuksMember.class::cast).toList();
        if (!locked.isEmpty()) {
            Set<String> keys = new TreeSet<>();
            locked.forEach(l -> keys.addAll(l.keyDescriptions()));
            Optional<String> name = locked.stream().map(l -> l.token().poolName()).flatMap(Optional::stream).findFirst();
            return new PoolPlan(pool, name, sorted, Optional.empty(), Optional.of(1),
                    new PoolPlan.Decision.Locked(List.copyOf(keys), locked.stream().anyMatch(LuksMember::clevis)));
        }
        List<StratisMember> members = sorted.stream().map(StratisMember.class::cast).toList();
        Set<Integer> versions = new TreeSet<>();
        members.forEach(m -> versions.add(m.block().version()));
        if (versions.size() > 1) {
            return new PoolPlan(pool, Optional.empty(), sorted, Optional.empty(), Optional.empty(),
                    new PoolPlan.Decision.Invalid("devices of the pool carry different metadata versions " + versions));
        }
        Optional<Integer> version = Optional.of(versions.iterator().next());
        Optional<StratisMember> newest = members.stream().filter(m -> m.mda().lastUpdate().isPresent())
                .max(Comparator.comparing(m -> m.mda().lastUpdate().orElseThrow()));
        if (newest.isEmpty()) {
            return new PoolPlan(pool, Optional.empty(), sorted, Optional.empty(), version,
                    new PoolPlan.Decision.Incomplete(List.of()));
        }
        MetadataArea.Region region = newest.get().mda().newest().orElseThrow();
        PoolSave save;
        try {
            save = PoolSaveCodec.parse(region.data().orElseThrow());
        } catch (PoolSaveCodec.FormatException e) {
            return new PoolPlan(pool, Optional.empty(), sorted, Optional.empty(), version, new PoolPlan.Decision.Invalid(
                    newest.get().devnode() + ": metadata region " + region.index() + ": " + e.getMessage()));
        }
        List<DeviceIdentity> ordered = inMetadataOrder(save, sorted);
        return new PoolPlan(pool, Optional.of(save.name()), ordered, Optional.of(save), version,
                decide(save, members));
    }

    private static List<DeviceIdentity> inMetadataOrder(PoolSave save, List<DeviceIdentity> devices) {
        List<UUID> order = recorded(save).stream().toList();
        return devices.stream().sorted(Comparator.comparingInt((DeviceIdentity d) -> {
            int i = order.indexOf(deviceOf(d));
            return i < 0 ? Integer.MAX_VALUE : i;
        })).toList();
    }

    private static Set<UUID> recorded(PoolSave save) {
        Set<UUID> recorded = new LinkedHashSet<>();
        save.backstore().dataTier().blockdev().devs().forEach(d -> recorded.add(d.uuid()));
        save.backstore().cacheTier().ifPresent(c -> c.blockdev().devs().forEach(d -> recorded.add(d.uuid())));
        return recorded;
    }

    private static PoolPlan.Decision decide(PoolSave save, List<StratisMember> members) {
        Set<UUID> recorded = recorded(save);
        for (StratisMember m : members) {
            if (!recorded.contains(m.block().deviceUuid())) {
                return new PoolPlan.Decision.Invalid(m.devnode() + " (device " + m.block().deviceUuid()
                        + ") claims to belong to the pool but its metadata does not list it");
            }
            long recordedBytes = m.block().sizeSectors() * 512;
            if (m.sizeBytes() < recordedBytes) {
                return new PoolPlan.Decision.Invalid(m.devnode() + " is " + m.sizeBytes() + " bytes, smaller than the "
                        + recordedBytes + " bytes its signature block records");
            }
        }
        Set<UUID> found = new LinkedHashSet<>();
        members.forEach(m -> found.add(m.block().deviceUuid()));
        List<UUID> missing = recorded.stream().filter(u -> !found.contains(u)).toList();
        if (!missing.isEmpty()) {
            return new PoolPlan.Decision.Incomplete(missing);
        }
        long cap = PoolSave.sum(save.backstore().cap().allocs());
        long flex = save.flexDevs().totalSectors();
        if (cap != flex) {
            return new PoolPlan.Decision.Invalid(flex + " used in thinpool, but " + cap + " allocated from backstore cap device");
        }
        long dataTier = save.backstore().dataTier().blockdev().allocs().stream().flatMap(List::stream)
                .mapToLong(PoolSave.Segment::length).sum();
        if (dataTier == 0 || dataTier < flex) {
            return new PoolPlan.Decision.Invalid("the data tier has " + dataTier + " sectors allocated, less than the "
                    + flex + " its linear devices use");
        }
        Optional<String> overlap = overlap(save);
        if (overlap.isPresent()) {
            return new PoolPlan.Decision.Invalid(overlap.get());
        }
        if (save.started().isPresent() && !save.started().get()) {
            return new PoolPlan.Decision.StoppedByRequest();
        }
        return new PoolPlan.Decision.Ready();
    }

    /** Segments of the tiers must not overlap each other or the device's BDA. */
    private static Optional<String> overlap(PoolSave save) {
        Map<UUID, List<PoolSave.Segment>> byDevice = new HashMap<>();
        Stream.concat(save.backstore().dataTier().blockdev().allocs().stream(),
                        save.backstore().cacheTier().stream().flatMap(c -> c.blockdev().allocs().stream()))
                .flatMap(List::stream).forEach(s -> byDevice.computeIfAbsent(s.parent(), p -> new ArrayList<>()).add(s));
        for (Map.Entry<UUID, List<PoolSave.Segment>> e : byDevice.entrySet()) {
            List<PoolSave.Segment> segments = e.getValue().stream().sorted(Comparator.comparingLong(PoolSave.Segment::start)).toList();
            long end = 8192;
            for (PoolSave.Segment s : segments) {
                if (s.start() < end) {
                    return Optional.of("segments on device " + e.getKey() + " overlap at sector " + s.start());
                }
                end = s.start() + s.length();
            }
        }
        return Optional.empty();
    }
}
