package org.storage.stratisd.engine;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The rules for creating pools that both engines apply, with upstream's messages. */
public final class PoolRules {

    /** An integrity journal is a whole number of 4 KiB blocks. */
    private static final long JOURNAL_ALIGNMENT = 4096;

    private PoolRules() {
    }

    /**
     * Checks the requested integrity journal size.
     *
     * @param journalBytes the size asked for, if any
     * @throws EngineException if it is not a multiple of 4096
     */
    public static void checkJournal(Optional<Long> journalBytes) throws EngineException {
        if (journalBytes.isPresent() && journalBytes.get() % JOURNAL_ALIGNMENT != 0) {
            throw new EngineException("specified integrity journal size " + Long.toUnsignedString(journalBytes.get())
                    + " bytes is not a multiple of 4096");
        }
    }

    /**
     * Why a pool of an existing name cannot be created with other devices.
     *
     * @param name      the pool's name
     * @param requested the devices asked for
     * @param current   the devices the existing pool has
     * @return upstream's message naming the differences
     */
    public static String differenceMessage(String name, Set<String> requested, Set<String> current) {
        Set<String> missing = new TreeSet<>(requested);
        missing.removeAll(current);
        Set<String> extra = new TreeSet<>(current);
        extra.removeAll(requested);
        StringBuilder message = new StringBuilder("There was a difference in the blockdevs associated with the existing pool named ")
                .append(name)
                .append(" and the input requesting creation of a pool by the same name");
        if (!missing.isEmpty()) {
            message.append(missing.size() == 1
                    ? " - the input requests blockdev " + missing.iterator().next() + " which does not exist in the current pool"
                    : " - the input requests blockdevs {" + String.join(", ", missing) + "} which do not exist in the current pool");
        }
        if (!extra.isEmpty()) {
            message.append(extra.size() == 1
                    ? " - the existing pool contains blockdev " + extra.iterator().next() + " which was not requested by the input"
                    : " - the existing pool contains blockdevs {" + String.join(", ", extra) + "} which were not requested by the input");
        }
        return message.toString();
    }

    /**
     * Why a pool's existing cache cannot be initialised again with other devices.
     *
     * @param requested the devices asked for
     * @param existing  the cache's devices
     * @return 3.9.2's message naming the differences (note its space before " ; to resolve")
     */
    public static String cacheDifferenceMessage(Set<String> requested, Set<String> existing) {
        Set<String> missing = new TreeSet<>(existing);
        missing.removeAll(requested);
        Set<String> extra = new TreeSet<>(requested);
        extra.removeAll(existing);
        StringBuilder message = new StringBuilder("The input requests initialization of a cache with different block devices"
                + " from the block devices in the existing cache");
        if (!missing.isEmpty()) {
            message.append(missing.size() == 1
                    ? "; the existing cache contains the block device " + missing.iterator().next() + " which the input did not include"
                    : "; the existing cache contains the block devices " + String.join(", ", missing) + " which the input did not include");
        }
        if (!extra.isEmpty()) {
            message.append(extra.size() == 1
                    ? "; the input requested block device " + extra.iterator().next() + " which does not exist in the already initialized cache"
                    : "; the input requested block devices " + String.join(", ", extra)
                            + " which do not exist in the already initialized cache");
        }
        return message.append(" ; to resolve this error, the block devices requested in the input should be the same as the block"
                + " devices in the existing cache.").toString();
    }
}
