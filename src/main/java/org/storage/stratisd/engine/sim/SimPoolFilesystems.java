package org.storage.stratisd.engine.sim;

import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.storage.stratisd.engine.Actions.Change;
import org.storage.stratisd.engine.Actions.DestroyFilesystemsAction;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.FilesystemRules;
import org.storage.stratisd.engine.FilesystemSpec;
import org.storage.stratisd.engine.NameValidation;

/**
 * The filesystems of one simulated pool and the rules for creating, destroying, snapshotting,
 * renaming them and setting their limits and revert schedules. Sizes are in 512-byte sectors.
 * Every operation checks everything before it changes anything.
 */
final class SimPoolFilesystems {

    private final Clock clock;
    /** In creation order. */
    private final Map<UUID, SimFilesystem> filesystems = new LinkedHashMap<>();

    SimPoolFilesystems(Clock clock) {
        this.clock = clock;
    }

    boolean isEmpty() {
        return filesystems.isEmpty();
    }

    List<SimFilesystem> all() {
        return List.copyOf(filesystems.values());
    }

    Optional<SimFilesystem> get(UUID uuid) {
        return Optional.ofNullable(filesystems.get(uuid));
    }

    List<SimFilesystem> create(List<FilesystemSpec> specs, long fsLimit) throws EngineException {
        FilesystemRules.checkLimit(fsLimit, filesystems.size(), specs.size());
        List<BigInteger[]> sizes = new ArrayList<>();
        for (FilesystemSpec spec : specs) {
            BigInteger size = spec.sizeBytes().isPresent() ? FilesystemRules.sectors(spec.name(), spec.sizeBytes().get())
                    : FilesystemRules.DEFAULT_SIZE;
            BigInteger limit = spec.sizeLimitBytes().isPresent() ? FilesystemRules.sectors(spec.name(), spec.sizeLimitBytes().get())
                    : null;
            sizes.add(new BigInteger[] {size, limit});
        }
        List<Integer> toCreate = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String name = specs.get(i).name();
            NameValidation.checkName(name);
            Optional<SimFilesystem> existing = byName(name);
            if (existing.isPresent()) {
                if (!existing.get().sizeSectors().equals(sizes.get(i)[0])) {
                    throw new EngineException("Size " + sizes.get(i)[0] + " sectors of filesystem " + name
                            + " to be created conflicts with size " + existing.get().sizeSectors() + " sectors for existing filesystem");
                }
            } else {
                toCreate.add(i);
            }
        }
        for (int i : toCreate) {
            BigInteger[] size = sizes.get(i);
            if (size[1] != null && size[1].compareTo(size[0]) < 0) {
                throw new EngineException("Limit of " + size[1] + " sectors is less than requested size " + size[0] + " sectors");
            }
        }
        List<SimFilesystem> created = new ArrayList<>();
        for (int i : toCreate) {
            BigInteger[] size = sizes.get(i);
            SimFilesystem fs = new SimFilesystem(UUID.randomUUID(), specs.get(i).name(), now(),
                    size[0], Optional.ofNullable(size[1]), Optional.empty());
            filesystems.put(fs.uuid(), fs);
            created.add(fs);
        }
        return created;
    }

    DestroyFilesystemsAction destroy(Set<UUID> requested) throws EngineException {
        List<SimFilesystem> targets = filesystems.values().stream().filter(f -> requested.contains(f.uuid())).toList();
        Set<UUID> targetIds = targets.stream().map(SimFilesystem::uuid).collect(Collectors.toSet());
        FilesystemRules.checkDestroy(members(), targetIds);
        Map<UUID, Optional<UUID>> reparented = FilesystemRules.reparent(members(), targetIds);
        reparented.forEach((uuid, origin) -> filesystems.get(uuid).setOrigin(origin));
        targetIds.forEach(filesystems::remove);
        return new DestroyFilesystemsAction(targets.stream().map(SimFilesystem::uuid).toList(), reparented);
    }

    /** Returns the new snapshot, or empty when an equal-sized filesystem of that name exists. */
    Optional<SimFilesystem> snapshot(UUID originUuid, String name, long fsLimit) throws EngineException {
        FilesystemRules.checkLimit(fsLimit, filesystems.size(), 1);
        NameValidation.checkName(name);
        SimFilesystem origin = filesystems.get(originUuid);
        if (origin == null) {
            throw new EngineException(originUuid.toString());
        }
        Optional<SimFilesystem> existing = byName(name);
        if (existing.isPresent()) {
            if (existing.get().sizeSectors().equals(origin.sizeSectors())) {
                return Optional.empty();
            }
            throw new EngineException("Filesystem " + name + " already exists and has size " + existing.get().sizeSectors()
                    + " sectors different from source filesystem size " + origin.sizeSectors() + " sectors");
        }
        SimFilesystem snapshot = new SimFilesystem(UUID.randomUUID(), name, now(),
                origin.sizeSectors(), origin.sizeLimitSectors(), Optional.of(originUuid));
        filesystems.put(snapshot.uuid(), snapshot);
        return Optional.of(snapshot);
    }

    RenameAction rename(UUID uuid, String newName) throws EngineException {
        NameValidation.checkName(newName);
        SimFilesystem fs = filesystems.get(uuid);
        if (fs == null) {
            return new RenameAction.NoSource();
        }
        if (fs.name().equals(newName)) {
            return new RenameAction.Identity();
        }
        if (byName(newName).isPresent()) {
            throw new EngineException("Entry with name " + newName + " already exists");
        }
        fs.rename(newName);
        return new RenameAction.Renamed();
    }

    Change setSizeLimit(UUID uuid, Optional<BigInteger> limitBytes) throws EngineException {
        SimFilesystem fs = filesystems.get(uuid);
        if (fs == null) {
            throw new EngineException("Filesystem with UUID " + uuid + " not found");
        }
        Optional<BigInteger> limit = Optional.empty();
        if (limitBytes.isPresent()) {
            BigInteger sectors = FilesystemRules.sectors(fs.name(), limitBytes.get());
            if (sectors.compareTo(fs.sizeSectors()) < 0) {
                throw new EngineException("Limit requested of " + sectors + " sectors is smaller than current filesystem size of "
                        + fs.sizeSectors() + " sectors");
            }
            limit = Optional.of(sectors);
        }
        if (fs.sizeLimitSectors().equals(limit)) {
            return Change.IDENTITY;
        }
        fs.setSizeLimitSectors(limit);
        return Change.CHANGED;
    }

    Change setMergeScheduled(UUID uuid, boolean scheduled) throws EngineException {
        SimFilesystem fs = filesystems.get(uuid);
        if (fs == null) {
            throw new EngineException("No filesystem with UUID " + uuid + " found");
        }
        if (fs.origin().isEmpty()) {
            throw new EngineException("Filesystem " + uuid + " has no origin, revert cannot be scheduled");
        }
        if (fs.mergeScheduled() == scheduled) {
            return Change.IDENTITY;
        }
        if (scheduled) {
            FilesystemRules.checkScheduleMerge(members(), member(fs));
        }
        fs.setMergeScheduled(scheduled);
        return Change.CHANGED;
    }

    private java.time.Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    private Optional<SimFilesystem> byName(String name) {
        return filesystems.values().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    private List<FilesystemRules.Member> members() {
        return filesystems.values().stream().map(SimPoolFilesystems::member).toList();
    }

    private static FilesystemRules.Member member(SimFilesystem fs) {
        return new FilesystemRules.Member(fs.uuid(), fs.name(), fs.origin(), fs.mergeScheduled());
    }
}
