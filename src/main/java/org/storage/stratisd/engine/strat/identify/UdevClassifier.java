package org.storage.stratisd.engine.strat.identify;

import java.util.Map;

/**
 * The ownership decision from a device's udev properties alone (API spec §6.2), in upstream's
 * order. Stratis and LUKS verdicts still need the device itself to be read.
 */
public final class UdevClassifier {

    private UdevClassifier() {
    }

    /** The verdict from properties. */
    public sealed interface Verdict {
        /** {@code DM_MULTIPATH_DEVICE_PATH=1}: ignored. */
        record Multipath() implements Verdict {
        }

        /** {@code ID_FS_TYPE=stratis}: read the signature block. */
        record Stratis() implements Verdict {
        }

        /** {@code ID_FS_TYPE=crypto_LUKS}: read the LUKS2 header. */
        record Luks() implements Verdict {
        }

        /** No signature, no partition table (or a partition itself): usable. */
        record Unowned() implements Verdict {
        }

        /**
         * Owned by something else.
         *
         * @param owner what, for messages
         */
        record Owned(String owner) implements Verdict {
        }
    }

    /**
     * Classifies a device.
     *
     * @param properties its udev properties
     * @return the verdict
     */
    public static Verdict classify(Map<String, String> properties) {
        if ("1".equals(properties.get("DM_MULTIPATH_DEVICE_PATH"))) {
            return new Verdict.Multipath();
        }
        String fsType = properties.get("ID_FS_TYPE");
        if ("stratis".equals(fsType)) {
            return new Verdict.Stratis();
        }
        if ("crypto_LUKS".equals(fsType)) {
            return new Verdict.Luks();
        }
        String tableType = properties.get("ID_PART_TABLE_TYPE");
        String usage = properties.get("ID_FS_USAGE");
        if ((tableType == null || properties.containsKey("ID_PART_ENTRY_DISK")) && usage == null) {
            return new Verdict.Unowned();
        }
        if (usage != null) {
            return new Verdict.Owned("a " + (fsType == null ? "signature" : fsType) + " signature (udev ID_FS_USAGE="
                    + usage + ")");
        }
        return new Verdict.Owned("a " + tableType + " partition table");
    }
}
