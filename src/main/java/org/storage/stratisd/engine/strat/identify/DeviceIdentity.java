package org.storage.stratisd.engine.strat.identify;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.storage.stratisd.engine.strat.metadata.MetadataArea;
import org.storage.stratisd.engine.strat.metadata.SignatureBlock;

/** What a device turned out to be, as far as Stratis is concerned. */
public sealed interface DeviceIdentity {

    /**
     * The device node or image file.
     *
     * @return the path
     */
    Path devnode();

    /**
     * A Stratis member: a valid signature block and its metadata area.
     *
     * @param devnode    the device
     * @param devnum     {@code major:minor}, or empty for an image file
     * @param sizeBytes  the device's current size
     * @param block      the signature block in force
     * @param mda        its four metadata regions
     */
    record StratisMember(Path devnode, Optional<String> devnum, long sizeBytes, SignatureBlock block,
                         MetadataArea.State mda) implements DeviceIdentity {
    }

    /**
     * A LUKS2 device carrying the Stratis token: a member of a V1 encrypted pool, closed as seen here.
     *
     * @param devnode         the device
     * @param devnum          {@code major:minor}, or empty for an image file
     * @param token           its Stratis token
     * @param keyDescriptions the key descriptions bound to it
     * @param clevis          whether a Clevis token is bound
     */
    record LuksMember(Path devnode, Optional<String> devnum, Luks2Header.StratisToken token, List<String> keyDescriptions,
                      boolean clevis) implements DeviceIdentity {

        /** Copies the list. */
        public LuksMember {
            keyDescriptions = List.copyOf(keyDescriptions);
        }
    }

    /**
     * Free for a new pool: no signature, nothing using it.
     *
     * @param devnode the device
     */
    record Unowned(Path devnode) implements DeviceIdentity {
    }

    /**
     * Owned by something other than Stratis.
     *
     * @param devnode the device
     * @param owner   what owns it, phrased to follow "is in use: " or "contains "
     */
    record OwnedElsewhere(Path devnode, String owner) implements DeviceIdentity {
    }

    /**
     * A path of a multipath device; the multipath device itself is what counts.
     *
     * @param devnode the device
     */
    record MultipathMember(Path devnode) implements DeviceIdentity {
    }

    /**
     * Cannot be identified: it cannot be opened or read, or it carries the Stratis magic but its
     * signature blocks or metadata area are damaged beyond the recovery rules.
     *
     * @param devnode      the device
     * @param reason       what is wrong
     * @param stratisMagic whether it carries the Stratis magic (damaged member) rather than being unreadable
     */
    record Unreadable(Path devnode, String reason, boolean stratisMagic) implements DeviceIdentity {
    }
}
