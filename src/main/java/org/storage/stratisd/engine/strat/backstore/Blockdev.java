package org.storage.stratisd.engine.strat.backstore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSave.Range;

/**
 * One block device of a running pool: where it is, what its signature block records, and which of
 * its sectors are in use (the BDA, its segments, and in V2 the integrity reservation at its end).
 *
 * <p>Mutable, owned by its pool: changed only under that pool's write lock.
 */
public final class Blockdev {

    private final UUID uuid;
    private final Path devnode;
    private final DevNum devNum;
    private final long initTimeSeconds;
    private long sizeSectors;
    private final RangeAllocator allocator;
    private List<Range> integrityMetaAllocs;
    private Optional<String> userInfo;
    private final Optional<String> hardwareInfo;
    /** The size the device was last seen with, when it differs from the recorded one (a grown device, before GrowPhysicalDevice). */
    private OptionalLong newSizeSectors = OptionalLong.empty();

    /**
     * Creates the device's record.
     *
     * @param uuid                its device UUID
     * @param devnode             its node
     * @param devNum              its device number
     * @param initTimeSeconds     its signature block's initialisation time
     * @param sizeSectors         the size its signature block records
     * @param used                sectors in use besides the BDA: its segments of the tier
     * @param integrityMetaAllocs V2: its integrity reservation
     * @param userInfo            the user's label
     * @param hardwareInfo        udev's hardware id at initialisation
     */
    public Blockdev(UUID uuid, Path devnode, DevNum devNum, long initTimeSeconds, long sizeSectors, List<Range> used,
                    List<Range> integrityMetaAllocs, Optional<String> userInfo, Optional<String> hardwareInfo) {
        this.uuid = uuid;
        this.devnode = devnode;
        this.devNum = devNum;
        this.initTimeSeconds = initTimeSeconds;
        this.sizeSectors = sizeSectors;
        List<Range> all = new ArrayList<>(used);
        all.add(new Range(0, InitialLayout.BDA_SECTORS));
        all.addAll(integrityMetaAllocs);
        this.allocator = new RangeAllocator(sizeSectors, all);
        this.integrityMetaAllocs = List.copyOf(integrityMetaAllocs);
        this.userInfo = userInfo;
        this.hardwareInfo = hardwareInfo;
    }

    /**
     * A device as a new pool or {@code AddDataDevs} initialises it: its BDA, and in V2 its
     * integrity reservation taken from its end.
     *
     * @param uuid            its new device UUID
     * @param devnode         its node
     * @param devNum          its device number
     * @param initTimeSeconds the initialisation time
     * @param sizeSectors     its size
     * @param integrity       V2: the pool's integrity settings
     * @return the device
     */
    public static Blockdev initialise(UUID uuid, Path devnode, DevNum devNum, long initTimeSeconds, long sizeSectors,
                                      Optional<PoolSave.IntegritySpec> integrity) {
        RangeAllocator probe = new RangeAllocator(sizeSectors, List.of(new Range(0, InitialLayout.BDA_SECTORS)));
        List<Range> reserved = integrity.map(spec -> probe.allocBack(Integrity.reservation(sizeSectors, spec))).orElse(List.of());
        return new Blockdev(uuid, devnode, devNum, initTimeSeconds, sizeSectors, List.of(), reserved, Optional.empty(),
                Optional.empty());
    }

    /** @return the device UUID */
    public UUID uuid() {
        return uuid;
    }

    /** @return the device node */
    public Path devnode() {
        return devnode;
    }

    /** @return the device number */
    public DevNum devNum() {
        return devNum;
    }

    /** @return when Stratis initialised it, seconds since the epoch */
    public long initTimeSeconds() {
        return initTimeSeconds;
    }

    /** @return its size as its signature block records it, sectors */
    public long sizeSectors() {
        return sizeSectors;
    }

    /** @return its free and used sectors */
    public RangeAllocator allocator() {
        return allocator;
    }

    /** @return sectors Stratis keeps for itself: the BDA and the integrity reservation */
    public long metadataSectors() {
        return InitialLayout.BDA_SECTORS + PoolSave.sum(integrityMetaAllocs);
    }

    /** @return the user's label */
    public Optional<String> userInfo() {
        return userInfo;
    }

    /**
     * Sets the user's label.
     *
     * @param userInfo the label, or empty
     */
    public void setUserInfo(Optional<String> userInfo) {
        this.userInfo = userInfo;
    }

    /**
     * Records a larger size (after {@code GrowPhysicalDevice}) and, for V2, the reservation the
     * larger size needs.
     *
     * @param newSize             the size now
     * @param integrityMetaAllocs the reservation now
     */
    public void grew(long newSize, List<Range> integrityMetaAllocs) {
        this.sizeSectors = newSize;
        this.integrityMetaAllocs = List.copyOf(integrityMetaAllocs);
        this.newSizeSectors = OptionalLong.empty();
    }

    /**
     * Notes the size the device has now (from a udev event): different from the recorded size, it is
     * reported as the device's new size until {@code GrowPhysicalDevice} records it.
     *
     * @param sectors the device's size now
     * @return whether what is reported changed
     */
    public boolean seen(long sectors) {
        OptionalLong now = sectors == sizeSectors ? OptionalLong.empty() : OptionalLong.of(sectors);
        if (now.equals(newSizeSectors)) {
            return false;
        }
        newSizeSectors = now;
        return true;
    }

    /** @return the device's size now, if it differs from the recorded size */
    public OptionalLong newSizeSectors() {
        return newSizeSectors;
    }

    /**
     * The device as the pool metadata records it.
     *
     * @return its {@code devs[]} entry
     */
    public PoolSave.BlockDev save() {
        return new PoolSave.BlockDev(uuid, integrityMetaAllocs, userInfo, hardwareInfo);
    }
}
