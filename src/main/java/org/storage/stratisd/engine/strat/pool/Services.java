package org.storage.stratisd.engine.strat.pool;

import java.time.Clock;
import java.util.Random;
import org.storage.stratisd.engine.strat.backstore.ThinMetadataSize;
import org.storage.stratisd.engine.strat.crypt.PoolCrypt;
import org.storage.stratisd.engine.strat.dm.DeviceMapper;
import org.storage.stratisd.engine.strat.stack.StackExecutor;
import org.storage.stratisd.engine.strat.sys.Mounts;
import org.storage.stratisd.engine.strat.sys.Tools;
import org.storage.stratisd.engine.strat.sys.Uevents;

/**
 * What the real engine's pool operations work through: device-mapper, the private mount
 * namespace, the external programs, encryption, udev's synthetic events, time and randomness.
 *
 * @param dm       device-mapper
 * @param stack    makes planned devices real
 * @param mounts   the private mount namespace
 * @param tools    mkfs.xfs, xfs_db, xfs_growfs, thin_check, thin_repair
 * @param thinMeta thin_metadata_size
 * @param uevents  the synthetic udev events for {@code /dev/stratis} links
 * @param clock    creation times and metadata stamps
 * @param random   which devices get metadata when a pool has more than ten
 * @param crypt    a V2 pool's LUKS2 encryption (cryptsetup, the keys)
 */
public record Services(DeviceMapper dm, StackExecutor stack, Mounts mounts, Tools tools, ThinMetadataSize thinMeta,
                       Uevents uevents, Clock clock, Random random, PoolCrypt crypt) {
}
