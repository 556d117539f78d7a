package org.storage.stratisd.engine.sim;

import java.math.BigInteger;
import java.util.Optional;
import java.util.UUID;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.Tier;

/** A simulated block device: the path as the client gave it, a fixed size of 1 GiB. */
final class SimBlockdev {

    static final BigInteger SIZE_BYTES = BigInteger.valueOf(1L << 30);

    private final UUID uuid;
    private final String devnode;
    private final Tier tier;
    private final long initializationTime;
    private Optional<String> userInfo = Optional.empty();

    SimBlockdev(UUID uuid, String devnode, Tier tier, long initializationTime) {
        this.uuid = uuid;
        this.devnode = devnode;
        this.tier = tier;
        this.initializationTime = initializationTime;
    }

    UUID uuid() {
        return uuid;
    }

    String devnode() {
        return devnode;
    }

    Optional<String> userInfo() {
        return userInfo;
    }

    void setUserInfo(Optional<String> value) {
        userInfo = value;
    }

    BlockdevView view() {
        return new BlockdevView(uuid, devnode, devnode, tier, initializationTime, SIZE_BYTES, userInfo, Optional.empty());
    }
}
