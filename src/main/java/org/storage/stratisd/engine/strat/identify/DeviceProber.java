package org.storage.stratisd.engine.strat.identify;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.storage.stratisd.engine.strat.device.BlockAccess;
import org.storage.stratisd.engine.strat.device.BlockDeviceInfo;
import org.storage.stratisd.engine.strat.device.FileBlockAccess;
import org.storage.stratisd.engine.strat.metadata.MetadataArea;
import org.storage.stratisd.engine.strat.metadata.MetadataException;
import org.storage.stratisd.engine.strat.metadata.StaticHeader;

/**
 * Identifies a device by reading it: the Stratis signature block, else a LUKS2 header with the
 * Stratis token, else any other signature (through {@link ForeignSignatures}), else what the
 * kernel says uses it. udev properties, when there are any, only exclude multipath paths: udev's
 * view can be stale, the device's own bytes are not.
 *
 * <p>It opens devices read-only. The one write it may make, when asked to, is the recovery of a
 * damaged or stale signature-block copy on a device that is already a Stratis member.
 */
public final class DeviceProber {

    private final ForeignSignatures foreign;
    private final Path sys;
    private final Path proc;

    /**
     * Creates the prober.
     *
     * @param foreign finds non-Stratis signatures
     * @param sys     sysfs root
     * @param proc    procfs root
     */
    public DeviceProber(ForeignSignatures foreign, Path sys, Path proc) {
        this.foreign = foreign;
        this.sys = sys;
        this.proc = proc;
    }

    /**
     * What the kernel says about a device.
     *
     * @param devnode the device node or image file
     * @return its block-device facts
     * @throws IOException if it does not exist or is neither a block device nor a file
     */
    public BlockDeviceInfo deviceInfo(Path devnode) throws IOException {
        return BlockDeviceInfo.of(devnode, sys, proc);
    }

    /**
     * Identifies one device.
     *
     * @param devnode the device node or image file
     * @param udev    its udev properties, empty if unknown
     * @param repair  whether to rewrite a bad signature-block copy of a Stratis member
     * @return the identity; a device that cannot be opened is {@link DeviceIdentity.Unreadable}
     */
    public DeviceIdentity identify(Path devnode, Map<String, String> udev, boolean repair) {
        return identify(devnode, udev, repair, true);
    }

    /**
     * Identifies one device as far as pool membership goes: a device that is neither a Stratis
     * member nor a Stratis LUKS2 device comes back as {@link DeviceIdentity.Unowned} without the
     * foreign-signature probe or the in-use checks. For scans, where only members matter.
     *
     * @param devnode the device node or image file
     * @param udev    its udev properties, empty if unknown
     * @param repair  whether to rewrite a bad signature-block copy of a Stratis member
     * @return a member, a multipath path, an unreadable device, or unowned (meaning: not a member)
     */
    public DeviceIdentity identifyMembership(Path devnode, Map<String, String> udev, boolean repair) {
        return identify(devnode, udev, repair, false);
    }

    private DeviceIdentity identify(Path devnode, Map<String, String> udev, boolean repair, boolean full) {
        if (UdevClassifier.classify(udev) instanceof UdevClassifier.Verdict.Multipath) {
            return new DeviceIdentity.MultipathMember(devnode);
        }
        BlockDeviceInfo info;
        try {
            info = BlockDeviceInfo.of(devnode, sys, proc);
        } catch (NoSuchFileException e) {
            return new DeviceIdentity.Unreadable(devnode, "no such device: " + devnode, false);
        } catch (IOException e) {
            return new DeviceIdentity.Unreadable(devnode, e.getMessage(), false);
        }
        Optional<String> devnum = info.blockDevice() ? Optional.of(info.major() + ":" + info.minor()) : Optional.empty();
        try (BlockAccess access = FileBlockAccess.openReadOnly(devnode)) {
            if (access.sizeBytes() < Luks2Header.READ_BYTES) {
                return inUseOrUnowned(info, devnode);
            }
            byte[] start = access.readBytes(0, Luks2Header.READ_BYTES);
            StaticHeader.Copies copies = StaticHeader.readCopies(access);
            if (!(StaticHeader.resolve(copies) instanceof StaticHeader.Outcome.NotStratis)) {
                return member(devnode, devnum, access, repair);
            }
            if (Luks2Header.hasMagic(start)) {
                return luks(devnode, devnum, start);
            }
            if (!full) {
                return new DeviceIdentity.Unowned(devnode);
            }
            Optional<String> signature = foreign.find(devnode);
            if (signature.isPresent()) {
                return new DeviceIdentity.OwnedElsewhere(devnode, "contains " + signature.get());
            }
            return inUseOrUnowned(info, devnode);
        } catch (IOException e) {
            return new DeviceIdentity.Unreadable(devnode, devnode + ": " + e.getMessage(), false);
        }
    }

    private static DeviceIdentity inUseOrUnowned(BlockDeviceInfo info, Path devnode) {
        if (!info.users().isEmpty()) {
            return new DeviceIdentity.OwnedElsewhere(devnode, "is in use: " + String.join(", ", info.users()));
        }
        return new DeviceIdentity.Unowned(devnode);
    }

    private static DeviceIdentity member(Path devnode, Optional<String> devnum, BlockAccess access, boolean repair)
            throws IOException {
        try {
            StaticHeader.Outcome outcome = StaticHeader.resolve(StaticHeader.readCopies(access));
            if (outcome instanceof StaticHeader.Outcome.Damaged damaged) {
                return new DeviceIdentity.Unreadable(devnode, devnode + ": " + damaged.reason(), true);
            }
            StaticHeader.Outcome.Usable usable = (StaticHeader.Outcome.Usable) outcome;
            if (repair && usable.repairCopy().isPresent()) {
                // Only now is the device opened for writing, and only its static header is written.
                try (BlockAccess writable = FileBlockAccess.openReadWrite(devnode)) {
                    StaticHeader.read(writable, true);
                }
            }
            return new DeviceIdentity.StratisMember(devnode, devnum, access.sizeBytes(), usable.block(), MetadataArea.read(access));
        } catch (MetadataException e) {
            return new DeviceIdentity.Unreadable(devnode, e.getMessage(), true);
        }
    }

    private static DeviceIdentity luks(Path devnode, Optional<String> devnum, byte[] start) {
        Luks2Header header;
        try {
            header = Luks2Header.parse(start);
        } catch (IllegalArgumentException e) {
            return new DeviceIdentity.OwnedElsewhere(devnode, "contains a LUKS header Stratis cannot use (" + e.getMessage() + ")");
        }
        if (!header.isStratisV1()) {
            return new DeviceIdentity.OwnedElsewhere(devnode, "contains a LUKS2 header that does not belong to Stratis");
        }
        return new DeviceIdentity.LuksMember(devnode, devnum, header.stratisToken().orElseThrow(), header.keyDescriptions(),
                header.hasClevis());
    }
}
