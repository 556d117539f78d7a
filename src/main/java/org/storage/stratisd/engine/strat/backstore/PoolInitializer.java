package org.storage.stratisd.engine.strat.backstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.strat.device.BlockAccess;
import org.storage.stratisd.engine.strat.device.BlockDeviceInfo;
import org.storage.stratisd.engine.strat.device.FileBlockAccess;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity;
import org.storage.stratisd.engine.strat.identify.DeviceProber;
import org.storage.stratisd.engine.strat.metadata.MetadataArea;
import org.storage.stratisd.engine.strat.metadata.MetadataException;
import org.storage.stratisd.engine.strat.metadata.SignatureBlock;
import org.storage.stratisd.engine.strat.metadata.StaticHeader;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSaveCodec;

/**
 * Writes a new pool onto devices: every device checked first (it must identify as unowned, be
 * at least 1 GiB, appear once, and share the others' sector sizes), then on each a zeroed BDA,
 * both signature-block copies and four empty metadata regions, then the pool metadata (up to ten
 * devices, chosen at random as upstream does). Nothing is written unless every check passes; if
 * a write fails, the static headers already written are wiped again, so no device is left
 * looking like a pool member.
 */
public final class PoolInitializer {

    /** The smallest device a pool accepts. */
    public static final long MIN_DEVICE_BYTES = 1L << 30;
    /** Upstream writes the pool metadata to at most this many devices. */
    public static final int MAX_METADATA_COPIES = 10;

    private final DeviceProber prober;
    private final ThinMetadataSize thinMeta;
    private final Clock clock;
    private final Supplier<UUID> uuids;
    private final Random random;

    /**
     * Creates the initializer.
     *
     * @param prober   identifies the devices
     * @param thinMeta thin-metadata sizing
     * @param clock    initialisation and metadata times
     * @param uuids    new pool and device UUIDs
     * @param random   chooses the devices that get metadata when there are more than ten
     */
    public PoolInitializer(DeviceProber prober, ThinMetadataSize thinMeta, Clock clock, Supplier<UUID> uuids, Random random) {
        this.prober = prober;
        this.thinMeta = thinMeta;
        this.clock = clock;
        this.uuids = uuids;
        this.random = random;
    }

    /**
     * What was written.
     *
     * @param poolUuid the new pool
     * @param metadata its metadata
     * @param members  its devices as they now identify
     */
    public record Created(UUID poolUuid, PoolSave metadata, List<DeviceIdentity> members) {

        /** Copies the list. */
        public Created {
            members = List.copyOf(members);
        }
    }

    /**
     * Checks the devices and writes the pool.
     *
     * @param name    the pool name (already validated)
     * @param devices the devices, in the order given
     * @return what was written
     * @throws EngineException naming the device and the reason, with nothing written
     */
    public Created create(String name, List<Path> devices) throws EngineException {
        List<Checked> checked = check(devices);
        List<InitialLayout.Device> layout = new ArrayList<>();
        Map<UUID, Path> paths = new HashMap<>();
        for (Checked device : checked) {
            UUID uuid = uuids.get();
            layout.add(new InitialLayout.Device(uuid, device.sizeBytes() / StaticHeader.SECTOR));
            paths.put(uuid, device.path());
        }
        PoolSave save;
        try {
            save = InitialLayout.v1(name, layout, thinMeta);
        } catch (IllegalArgumentException e) {
            throw new EngineException("Cannot create pool " + name + ": " + e.getMessage());
        } catch (IOException e) {
            throw new EngineException("Cannot create pool " + name + ": " + e.getMessage());
        }
        UUID pool = uuids.get();
        Instant now = clock.instant();
        List<Path> touched = new ArrayList<>();
        try {
            for (InitialLayout.Device d : layout) {
                Path path = paths.get(d.uuid());
                touched.add(path);
                writeBda(path, new SignatureBlock(pool, d.uuid(), d.sizeSectors(), 1, SignatureBlock.DEFAULT_MDA_SECTORS,
                        SignatureBlock.DEFAULT_RESERVED_SECTORS, 0, now.getEpochSecond()));
            }
            byte[] document = PoolSaveCodec.write(save);
            List<InitialLayout.Device> chosen = new ArrayList<>(layout);
            if (chosen.size() > MAX_METADATA_COPIES) {
                Collections.shuffle(chosen, random);
                chosen = chosen.subList(0, MAX_METADATA_COPIES);
            }
            for (InitialLayout.Device d : chosen) {
                try (BlockAccess access = FileBlockAccess.openReadWrite(paths.get(d.uuid()))) {
                    MetadataArea.save(access, MetadataArea.read(access), document, now);
                }
            }
        } catch (IOException | MetadataException e) {
            String wiped = wipe(touched);
            throw new EngineException("Failed to write pool " + name + " to its devices: " + e.getMessage() + wiped);
        }
        List<DeviceIdentity> members = new ArrayList<>();
        for (Checked device : checked) {
            members.add(prober.identify(device.path(), Map.of(), false));
        }
        return new Created(pool, save, members);
    }

    /**
     * The devices of a new version 2 pool, their BDAs written, and the pool's initial layout; the
     * pool metadata is written once the stack is up.
     *
     * @param poolUuid the new pool
     * @param layout   its initial layout
     * @param devices  its devices, in order
     */
    public record Initialised(UUID poolUuid, PoolSave layout, List<Blockdev> devices) {

        /** Copies the list. */
        public Initialised {
            devices = List.copyOf(devices);
        }
    }

    /**
     * Checks the devices and writes a version 2 BDA on each (real-engine spec §1.6): a zeroed BDA,
     * both signature-block copies with version 2, empty metadata regions. The integrity reservation
     * at each device's end is recorded in the layout, not written.
     *
     * @param name      the pool name (already validated)
     * @param devices   the devices, in the order given
     * @param integrity the integrity settings
     * @param encrypted whether the pool's cap will be encrypted (its layout then counts from the crypt device)
     * @return what was written
     * @throws EngineException naming the device and the reason; nothing is left written
     */
    public Initialised initialise(String name, List<Path> devices, PoolSave.IntegritySpec integrity, boolean encrypted)
            throws EngineException {
        List<Checked> checked = check(devices);
        Instant now = clock.instant();
        UUID pool = uuids.get();
        List<Blockdev> blockdevs = new ArrayList<>();
        for (Checked device : checked) {
            blockdevs.add(Blockdev.initialise(uuids.get(), device.path(), device.devNum(), now.getEpochSecond(),
                    device.sizeBytes() / StaticHeader.SECTOR, Optional.of(integrity)));
        }
        PoolSave layout;
        try {
            layout = InitialLayout.v2(name, blockdevs, integrity, thinMeta, encrypted);
        } catch (IllegalArgumentException | IOException e) {
            throw new EngineException("Cannot create pool " + name + ": " + e.getMessage());
        }
        List<Path> touched = new ArrayList<>();
        try {
            for (Blockdev d : blockdevs) {
                touched.add(d.devnode());
                writeBda(d.devnode(), new SignatureBlock(pool, d.uuid(), d.sizeSectors(), 2, SignatureBlock.DEFAULT_MDA_SECTORS,
                        SignatureBlock.DEFAULT_RESERVED_SECTORS, 0, now.getEpochSecond()));
            }
        } catch (IOException | MetadataException e) {
            throw new EngineException("Failed to write pool " + name + " to its devices: " + e.getMessage() + wipe(touched));
        }
        return new Initialised(pool, layout, blockdevs);
    }

    /**
     * Checks devices for an existing pool and writes their BDAs with the pool's metadata version
     * (V2: with the integrity reservation recorded).
     *
     * @param pool      the pool's UUID
     * @param version   its metadata version
     * @param devices   the devices, in order
     * @param integrity V2 data tier: the pool's integrity settings (the cache tier has no reservation)
     * @param tierMember a device of the tier they join, whose logical sector size they must share
     * @return the devices, ready to join the tier
     * @throws EngineException naming the device and the reason; nothing is left written
     */
    public List<Blockdev> addTo(UUID pool, int version, List<Path> devices, Optional<PoolSave.IntegritySpec> integrity,
                                Optional<Path> tierMember) throws EngineException {
        List<Checked> checked = check(devices);
        if (tierMember.isPresent()) {
            BlockDeviceInfo member;
            try {
                member = prober.deviceInfo(tierMember.get());
            } catch (IOException e) {
                throw new EngineException("Device " + tierMember.get() + " of the pool cannot be examined: " + e.getMessage());
            }
            for (Checked device : checked) {
                if (device.logicalSector() != member.logicalSector()) {
                    throw new EngineException("Device " + device.path() + " has a logical sector size of " + device.logicalSector()
                            + " bytes, the pool's device " + tierMember.get() + " " + member.logicalSector()
                            + "; a tier's devices must all have the same");
                }
            }
        }
        Instant now = clock.instant();
        List<Blockdev> added = new ArrayList<>();
        List<Path> touched = new ArrayList<>();
        try {
            for (Checked device : checked) {
                Blockdev d = Blockdev.initialise(uuids.get(), device.path(), device.devNum(), now.getEpochSecond(),
                        device.sizeBytes() / StaticHeader.SECTOR, version == 2 ? integrity : Optional.empty());
                touched.add(d.devnode());
                writeBda(d.devnode(), new SignatureBlock(pool, d.uuid(), d.sizeSectors(), version, SignatureBlock.DEFAULT_MDA_SECTORS,
                        SignatureBlock.DEFAULT_RESERVED_SECTORS, 0, now.getEpochSecond()));
                added.add(d);
            }
        } catch (IOException | MetadataException e) {
            throw new EngineException("Failed to add devices to pool " + pool + ": " + e.getMessage() + wipe(touched));
        }
        return added;
    }

    /**
     * Records a device's larger size in both signature-block copies (its initialisation time kept)
     * and, in V2, reserves the integrity space the larger size needs.
     *
     * @param pool      the pool's UUID
     * @param device    the device
     * @param version   the pool's metadata version
     * @param integrity V2: the pool's integrity settings
     * @return false if the device is not larger than recorded
     * @throws EngineException naming the device if it cannot be read or rewritten
     */
    public boolean grow(UUID pool, Blockdev device, int version, Optional<PoolSave.IntegritySpec> integrity) throws EngineException {
        long size = sizeBytes(device.devnode()) / StaticHeader.SECTOR;
        if (size <= device.sizeSectors()) {
            return false;
        }
        try (BlockAccess access = FileBlockAccess.openReadWrite(device.devnode())) {
            StaticHeader.write(access, new SignatureBlock(pool, device.uuid(), size, version, SignatureBlock.DEFAULT_MDA_SECTORS,
                    SignatureBlock.DEFAULT_RESERVED_SECTORS, 0, device.initTimeSeconds()));
        } catch (IOException | MetadataException e) {
            throw new EngineException("Cannot record the new size of " + device.devnode() + ": " + e.getMessage());
        }
        device.allocator().grow(size);
        List<PoolSave.Range> reserved = new ArrayList<>(device.save().integrityMetaAllocs());
        if (version == 2 && integrity.isPresent()) {
            long more = Integrity.reservation(size, integrity.get()) - PoolSave.sum(reserved);
            if (more > 0) {
                reserved.addAll(device.allocator().allocBack(more));
            }
        }
        device.grew(size, reserved);
        return true;
    }

    private static void writeBda(Path path, SignatureBlock block) throws IOException, MetadataException {
        try (BlockAccess access = FileBlockAccess.openReadWrite(path)) {
            access.write(0, ByteBuffer.allocate((int) (InitialLayout.BDA_SECTORS * StaticHeader.SECTOR)));
            StaticHeader.write(access, block);
            MetadataArea.initialise(access);
        }
    }

    /**
     * Runs every check {@link #create} makes, writing nothing.
     *
     * @param devices the devices, in the order given
     * @return the devices
     * @throws EngineException naming the first device that cannot be used and why
     */
    public List<Path> checkDevices(List<Path> devices) throws EngineException {
        return check(devices).stream().map(Checked::path).toList();
    }

    /** A device that passed every check, with the size, number and logical sector size it was found to have. */
    private record Checked(Path path, long sizeBytes, DevNum devNum, int logicalSector) {
    }

    private List<Checked> check(List<Path> devices) throws EngineException {
        if (devices.isEmpty()) {
            throw new EngineException("At least one device is required to create a pool");
        }
        Map<Path, Path> seen = new HashMap<>();
        List<Checked> out = new ArrayList<>();
        int logical = -1;
        int physical = -1;
        for (Path device : devices) {
            DeviceIdentity identity = prober.identify(device, Map.of(), false);
            String refusal = switch (identity) {
                case DeviceIdentity.Unowned u -> null;
                case DeviceIdentity.StratisMember m -> "is already a member of Stratis pool " + m.block().poolUuid();
                case DeviceIdentity.LuksMember l -> "is an encrypted member of Stratis pool " + l.token().poolUuid();
                case DeviceIdentity.OwnedElsewhere o -> o.owner();
                case DeviceIdentity.MultipathMember m -> "is a path of a multipath device";
                case DeviceIdentity.Unreadable r -> "cannot be used: " + r.reason();
            };
            if (refusal != null) {
                throw new EngineException("Device " + device + " " + refusal);
            }
            Path real;
            BlockDeviceInfo info;
            long size;
            try {
                real = device.toRealPath();
                info = prober.deviceInfo(device);
                size = sizeBytes(device);
            } catch (IOException | EngineException e) {
                throw new EngineException("Device " + device + " cannot be used: " + e.getMessage());
            }
            Path previous = seen.putIfAbsent(real, device);
            if (previous != null) {
                throw new EngineException("Device " + device + " is given more than once"
                        + (previous.equals(device) ? "" : " (also as " + previous + ")"));
            }
            if (size < MIN_DEVICE_BYTES) {
                throw new EngineException("Device " + device + " is " + size + " bytes; a Stratis device must be at least "
                        + MIN_DEVICE_BYTES + " bytes (1 GiB)");
            }
            if (logical >= 0 && (info.logicalSector() != logical || info.physicalSector() != physical)) {
                throw new EngineException("Device " + device + " has sector sizes " + info.logicalSector() + "/"
                        + info.physicalSector() + " (logical/physical), the other devices " + logical + "/" + physical
                        + "; all devices of a pool must have the same");
            }
            logical = info.logicalSector();
            physical = info.physicalSector();
            out.add(new Checked(device, size, new DevNum(info.major(), info.minor()), info.logicalSector()));
        }
        return out;
    }

    private static long sizeBytes(Path device) throws EngineException {
        try (BlockAccess access = FileBlockAccess.openReadOnly(device)) {
            return access.sizeBytes();
        } catch (IOException e) {
            throw new EngineException("Device " + device + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * Wipes the static headers of devices (the signature blocks go; nothing recognises the device
     * as Stratis any more).
     *
     * @param devices the devices
     * @return a sentence for an error message: wiped again, or which could not be wiped
     */
    public static String wipe(List<Path> devices) {
        List<String> failed = new ArrayList<>();
        for (Path device : devices) {
            try (BlockAccess access = FileBlockAccess.openReadWrite(device)) {
                StaticHeader.wipe(access);
            } catch (IOException | MetadataException e) {
                failed.add(device + " (" + e.getMessage() + ")");
            }
        }
        return failed.isEmpty() ? "; the devices were wiped again" : "; could not wipe " + String.join(", ", failed);
    }
}
