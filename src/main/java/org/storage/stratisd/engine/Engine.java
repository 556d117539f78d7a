package org.storage.stratisd.engine;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.storage.stratisd.engine.Actions.Change;
import org.storage.stratisd.engine.Actions.DestroyFilesystemsAction;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.Actions.SetKeyAction;
import org.storage.stratisd.engine.Actions.SnapshotAction;
import org.storage.stratisd.engine.Actions.StartPoolAction;
import org.storage.stratisd.engine.Actions.StopPoolAction;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.StoppedPoolView;
import org.storage.stratisd.engine.view.ThinPoolUsage;

/**
 * The storage engine: the pools, their filesystems and block devices, the keyring. It knows
 * nothing of D-Bus or of the framework that hosts it; every operation returns a rich result that
 * says exactly what changed, and the caller publishes from that result.
 *
 * <p>Every failure is an {@link EngineException} whose message is the client-visible text, and a
 * failed operation changes nothing. Operations on one pool name it by UUID; an unknown pool UUID
 * fails with {@code No pool associated with uuid <hyphenated>}.
 *
 * <p>Thread safety: an engine is not synchronised internally. Callers hold the engine lock
 * ({@link org.storage.stratisd.engine.lock.EngineLock}): the write side for every mutating call,
 * at least the read side for every query.
 */
public interface Engine {

    // ---- pools

    /**
     * Creates a pool, or reports that an identical one already runs.
     *
     * @param request the decoded request
     * @return {@link CreatePoolAction.Created} or {@link CreatePoolAction.Identity}
     * @throws EngineException on invalid input or a conflicting existing pool
     */
    CreatePoolAction createPool(CreatePoolRequest request) throws EngineException;

    /**
     * Destroys a running pool that has no filesystems.
     *
     * @param pool the pool's UUID
     * @return {@link DestroyPoolAction.Deleted}, or {@link DestroyPoolAction.Identity} when no such pool runs
     * @throws EngineException when the pool still has filesystems
     */
    DestroyPoolAction destroyPool(UUID pool) throws EngineException;

    /**
     * Renames a running pool.
     *
     * @param pool    the pool
     * @param newName the new name
     * @return renamed, identity, or no source
     * @throws EngineException if another running pool has that name
     */
    RenameAction renamePool(UUID pool, String newName) throws EngineException;

    /**
     * Raises the filesystem limit.
     *
     * @param pool  the pool
     * @param limit the new limit, greater than the current
     * @throws EngineException if it is not greater, or the pool is unknown
     */
    void setFsLimit(UUID pool, long limit) throws EngineException;

    /**
     * Allows or forbids overprovisioning.
     *
     * @param pool    the pool
     * @param allowed the new setting
     * @throws EngineException if the pool is unknown or the change is refused
     */
    void setOverprovisioning(UUID pool, boolean allowed) throws EngineException;

    /**
     * Adds devices to the data tier.
     *
     * @param pool    the pool
     * @param devices device paths
     * @return the block devices added (none if all were there already)
     * @throws EngineException on bad paths or devices in use in the cache tier
     */
    List<BlockdevView> addDataDevices(UUID pool, List<String> devices) throws EngineException;

    /**
     * Creates the cache tier.
     *
     * @param pool           the pool
     * @param devices        device paths
     * @param allowEncrypted whether an encrypted pool may have a cache (interface r5 and later)
     * @return the cache devices created (none if the same cache already exists)
     * @throws EngineException on bad input or a different existing cache
     */
    List<BlockdevView> initCache(UUID pool, List<String> devices, boolean allowEncrypted) throws EngineException;

    /**
     * Adds devices to an existing cache tier.
     *
     * @param pool    the pool
     * @param devices device paths
     * @return the cache devices added
     * @throws EngineException on bad input, no cache yet, or devices in the data tier
     */
    List<BlockdevView> addCacheDevices(UUID pool, List<String> devices) throws EngineException;

    /**
     * Lets the pool use the grown size of one of its devices.
     *
     * @param pool   the pool
     * @param device the device's UUID
     * @return whether the device grew
     * @throws EngineException if the pool is unknown
     */
    boolean growPhysicalDevice(UUID pool, UUID device) throws EngineException;

    /**
     * Sets or clears a block device's user label.
     *
     * @param pool     the pool
     * @param device   the device
     * @param userInfo the new label, or empty to clear
     * @return changed, identity, or no source when the pool has no such device
     * @throws EngineException if the label is not a valid name or the pool is unknown
     */
    RenameAction setUserInfo(UUID pool, UUID device, Optional<String> userInfo) throws EngineException;

    /**
     * Looks up one running pool.
     *
     * @param pool the pool's UUID
     * @return its snapshot, or empty if no such pool runs
     */
    Optional<PoolView> pool(UUID pool);

    /**
     * Snapshots every running pool.
     *
     * @return the pools in a stable order
     */
    List<PoolView> pools();

    // ---- stopping and starting

    /**
     * Stops a running pool.
     *
     * @param id the pool's name or UUID
     * @return stopped, or identity if it was already stopped
     * @throws EngineException if no pool has that id
     */
    StopPoolAction stopPool(PoolId id) throws EngineException;

    /**
     * Starts a stopped pool.
     *
     * @param id                the pool's name or UUID
     * @param unlockMethod      empty for none; present with an empty slot for "any token slot"
     * @param passphrase        the passphrase read from the descriptor supplied, if one was (the
     *                          caller clears it after the call; the engine keeps no copy)
     * @param removeCache       start without the cache tier
     * @return started, or identity if it already runs
     * @throws EngineException on a missing pool or unlock arguments that do not fit the pool
     */
    StartPoolAction startPool(PoolId id, Optional<Optional<Long>> unlockMethod, Optional<byte[]> passphrase,
                              boolean removeCache) throws EngineException;

    /**
     * Every stopped pool.
     *
     * @return the stopped pools in a stable order
     */
    List<StoppedPoolView> stoppedPools();

    /**
     * How full each running pool's thin pool was when the engine last read its status. Unlike every
     * other method, this one may be called without any engine lock (metrics read it at each
     * scrape): it reads a concurrent record the engine keeps, never the kernel.
     *
     * @return by pool UUID; empty for an engine without thin pools (the simulator)
     */
    Map<UUID, ThinPoolUsage> thinPoolUsage();

    // ---- filesystems

    /**
     * Creates filesystems; a spec naming an existing filesystem of the same size is skipped.
     *
     * @param pool  the pool
     * @param specs the filesystems
     * @return the filesystems created
     * @throws EngineException on the limit, bad sizes or names, or conflicting existing filesystems
     */
    List<FilesystemView> createFilesystems(UUID pool, List<FilesystemSpec> specs) throws EngineException;

    /**
     * Destroys filesystems; UUIDs not in the pool are ignored.
     *
     * @param pool        the pool
     * @param filesystems the filesystems
     * @return what was destroyed and which snapshots were re-parented
     * @throws EngineException when a revert involving them is scheduled
     */
    DestroyFilesystemsAction destroyFilesystems(UUID pool, Set<UUID> filesystems) throws EngineException;

    /**
     * Snapshots a filesystem.
     *
     * @param pool   the pool
     * @param origin the filesystem to snapshot
     * @param name   the snapshot's name
     * @return created, or identity when it exists with the origin's size
     * @throws EngineException on the limit, a bad name, an unknown origin or a conflicting filesystem
     */
    SnapshotAction snapshotFilesystem(UUID pool, UUID origin, String name) throws EngineException;

    /**
     * Renames a filesystem.
     *
     * @param pool       the pool
     * @param filesystem the filesystem
     * @param newName    the new name
     * @return renamed, identity or no source
     * @throws EngineException on a bad or taken name
     */
    RenameAction renameFilesystem(UUID pool, UUID filesystem, String newName) throws EngineException;

    /**
     * Sets or clears a filesystem's size limit.
     *
     * @param pool       the pool
     * @param filesystem the filesystem
     * @param limitBytes the limit in bytes, or empty to clear
     * @return whether it changed
     * @throws EngineException on an unknown filesystem or a bad limit
     */
    Change setSizeLimit(UUID pool, UUID filesystem, Optional<BigInteger> limitBytes) throws EngineException;

    /**
     * Schedules or cancels the revert of a snapshot into its origin.
     *
     * @param pool       the pool
     * @param filesystem the snapshot
     * @param scheduled  the new setting
     * @return whether it changed
     * @throws EngineException on an unknown filesystem, no origin, or conflicting schedules
     */
    Change setMergeScheduled(UUID pool, UUID filesystem, boolean scheduled) throws EngineException;

    // ---- encryption

    /**
     * Binds a key description to a token slot.
     *
     * @param pool        the pool
     * @param description the key description
     * @param slot        explicit slot, or empty for the engine's choice
     * @param legacy      single-binding semantics of interface revisions before r8
     * @return whether a binding was made or changed
     * @throws EngineException per the binding rules
     */
    boolean bindKeyring(UUID pool, String description, Optional<Long> slot, boolean legacy) throws EngineException;

    /**
     * Binds a Clevis configuration to a token slot.
     *
     * @param pool   the pool
     * @param pin    the pin
     * @param config its JSON configuration, compact
     * @param slot   explicit slot, or empty for the engine's choice
     * @param legacy single-binding semantics of interface revisions before r8
     * @return whether a binding was made
     * @throws EngineException per the binding rules
     */
    boolean bindClevis(UUID pool, String pin, String config, Optional<Long> slot, boolean legacy) throws EngineException;

    /**
     * Removes a key-description binding.
     *
     * @param pool the pool
     * @param slot explicit slot, or empty for the lowest key-description slot
     * @return whether a binding was removed
     * @throws EngineException per the binding rules
     */
    boolean unbindKeyring(UUID pool, Optional<Long> slot) throws EngineException;

    /**
     * Removes a Clevis binding.
     *
     * @param pool the pool
     * @param slot explicit slot, or empty for the lowest Clevis slot
     * @return whether a binding was removed
     * @throws EngineException per the binding rules
     */
    boolean unbindClevis(UUID pool, Optional<Long> slot) throws EngineException;

    /**
     * Replaces the key description of a binding.
     *
     * @param pool        the pool
     * @param description the new key description
     * @param slot        explicit slot, or empty for the lowest key-description slot
     * @return whether it changed
     * @throws EngineException per the binding rules
     */
    boolean rebindKeyring(UUID pool, String description, Optional<Long> slot) throws EngineException;

    /**
     * Re-binds a Clevis binding.
     *
     * @param pool the pool
     * @param slot explicit slot, or empty for the lowest Clevis slot
     * @throws EngineException per the binding rules
     */
    void rebindClevis(UUID pool, Optional<Long> slot) throws EngineException;

    /**
     * Encrypts an unencrypted pool.
     *
     * @param pool    the pool
     * @param request the bindings
     * @return whether it was encrypted now (false if it already was)
     * @throws EngineException on conflicting slots or an unknown pool
     */
    boolean encryptPool(UUID pool, EncryptionRequest request) throws EngineException;

    /**
     * Re-encrypts an encrypted pool.
     *
     * @param pool the pool
     * @throws EngineException if it is not encrypted
     */
    void reencryptPool(UUID pool) throws EngineException;

    /**
     * Decrypts an encrypted pool.
     *
     * @param pool the pool
     * @return whether it was decrypted now (false if it was not encrypted)
     * @throws EngineException if the pool is unknown
     */
    boolean decryptPool(UUID pool) throws EngineException;

    // ---- keys

    /**
     * Stores a key in the keyring.
     *
     * @param description the key description
     * @param key         the key bytes
     * @return created, value changed, or identity
     * @throws EngineException if the keyring refuses
     */
    SetKeyAction setKey(String description, byte[] key) throws EngineException;

    /**
     * Removes a key from the keyring.
     *
     * @param description the key description
     * @return whether a key was removed
     * @throws EngineException if the keyring refuses
     */
    boolean unsetKey(String description) throws EngineException;

    /**
     * The key descriptions in the keyring.
     *
     * @return the descriptions, sorted
     * @throws EngineException if the keyring cannot be read
     */
    List<String> listKeys() throws EngineException;

    // ---- metadata and reports

    /**
     * The pool-level metadata as JSON.
     *
     * @param pool    the pool
     * @param current what would be written now (true) or what was last written (false)
     * @return JSON text
     * @throws EngineException if the pool is unknown
     */
    String poolMetadata(UUID pool, boolean current) throws EngineException;

    /**
     * The filesystem metadata as JSON.
     *
     * @param pool       the pool
     * @param filesystem restrict to the filesystem of that name, or empty for all
     * @param current    as for {@link #poolMetadata}
     * @return JSON text
     * @throws EngineException if the pool is unknown
     */
    String filesystemMetadata(UUID pool, Optional<String> filesystem, boolean current) throws EngineException;

    /**
     * The engine state report as JSON.
     *
     * @return JSON text
     */
    String engineStateReport();

    /**
     * The {@code stopped_pools} report as JSON.
     *
     * @return JSON text
     */
    String stoppedPoolsReport();

    // ---- events and identity

    /**
     * Lets the engine process a batch of block-device events.
     *
     * @param events the events, oldest first
     * @return pools that became ready because of these events (to be published)
     */
    List<PoolView> handleDeviceEvents(List<DeviceEvent> events);

    // ---- the device-mapper event task

    /**
     * The running pools whose device-mapper devices raised events since the last call (or appeared
     * or disappeared), given every device's event counter. Called by the device-mapper event task
     * alone, without the engine lock. The simulator has no devices: none.
     *
     * @param eventCounters every device-mapper device's event counter, by name
     * @return the pools to check
     */
    default Set<UUID> poolsWithEvents(java.util.Map<String, Long> eventCounters) {
        return Set.of();
    }

    /**
     * Checks a running pool: thin metadata and data growth, out-of-space mode, filesystem growth.
     * Call with the pool's write lock held. The simulator has nothing to check.
     *
     * @param pool the pool
     * @return the pool's snapshot afterwards and whether the check changed it, or empty if it does
     *         not run or needs no checks
     */
    default Optional<Actions.PoolCheckAction> checkPool(UUID pool) {
        return Optional.empty();
    }

    /**
     * The running pools the device-mapper event task checks on its timer. Safe without the engine
     * lock. The simulator has none.
     *
     * @return the pools' UUIDs
     */
    default Set<UUID> checkedPools() {
        return Set.of();
    }

    /**
     * The daemon version this engine reports (the D-Bus {@code Version} property).
     *
     * @return e.g. {@code 3.9.2}
     */
    String version();
}
