package org.storage.stratisd.engine.sim;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.storage.stratisd.engine.FilesystemView;
import org.storage.stratisd.engine.PoolView;

/**
 * A simulated pool. Mutable; guarded, like the whole simulator, by the engine lock its callers
 * hold.
 */
final class SimPool {

    /** 2^60 sectors of 512 bytes: the simulator's pool size, independent of its devices. */
    static final BigInteger TOTAL_PHYSICAL_SIZE = BigInteger.ONE.shiftLeft(60).multiply(BigInteger.valueOf(512));
    /** 5 * 2^20 sectors of 512 bytes. */
    static final BigInteger ALLOCATED_SIZE = BigInteger.valueOf(5L << 20).multiply(BigInteger.valueOf(512));
    static final long INITIAL_FS_LIMIT = 10;
    static final long METADATA_VERSION = 2;

    private final UUID uuid;
    private final String name;
    private final boolean encrypted;
    private final List<SimBlockdev> dataDevs;
    private final List<FilesystemView> filesystems = new ArrayList<>();

    SimPool(UUID uuid, String name, boolean encrypted, List<SimBlockdev> dataDevs) {
        this.uuid = uuid;
        this.name = name;
        this.encrypted = encrypted;
        this.dataDevs = List.copyOf(dataDevs);
    }

    UUID uuid() {
        return uuid;
    }

    String name() {
        return name;
    }

    boolean hasFilesystems() {
        return !filesystems.isEmpty();
    }

    Set<String> dataDevnodes() {
        Set<String> paths = new LinkedHashSet<>();
        dataDevs.forEach(d -> paths.add(d.devnode()));
        return paths;
    }

    PoolView view() {
        return new PoolView(uuid, name, encrypted, "fully_operational", false,
                TOTAL_PHYSICAL_SIZE, BigInteger.ZERO, ALLOCATED_SIZE, INITIAL_FS_LIMIT, true, false,
                METADATA_VERSION, filesystems, dataDevs.stream().map(SimBlockdev::view).toList());
    }
}
