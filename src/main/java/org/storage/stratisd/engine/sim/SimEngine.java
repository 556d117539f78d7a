package org.storage.stratisd.engine.sim;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.storage.stratisd.engine.CreatePoolAction;
import org.storage.stratisd.engine.CreatePoolRequest;
import org.storage.stratisd.engine.DestroyPoolAction;
import org.storage.stratisd.engine.DeviceEvent;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.NameValidation;
import org.storage.stratisd.engine.PoolView;
import org.storage.stratisd.engine.Tier;

/**
 * The in-memory simulator engine ({@code --sim}): nothing touches a device, nothing survives a
 * restart. Semantics and messages follow the simulator chapter of the API specification.
 *
 * <p>Not thread-safe by itself: every call is made under the engine lock (see {@link Engine}).
 * The optional per-operation delay makes mutations slow on purpose, so that tests and benchmarks
 * can keep calls in flight; it is spent while the caller holds the lock, as a slow real
 * operation would be.
 */
public final class SimEngine implements Engine {

    private static final String VERSION = "3.9.2";
    private static final long JOURNAL_ALIGNMENT = 4096;

    private final Clock clock;
    private final Duration operationDelay;
    /** Running pools in creation order, by UUID. Guarded by the engine lock. */
    private final Map<UUID, SimPool> pools = new LinkedHashMap<>();
    /** The simulated keyring: key description to key bytes. Guarded by the engine lock. */
    private final Map<String, byte[]> keyring = new HashMap<>();

    /**
     * Creates an empty simulator.
     *
     * @param clock          source of initialisation and creation times
     * @param operationDelay time every mutating operation takes; {@link Duration#ZERO} for none
     */
    public SimEngine(Clock clock, Duration operationDelay) {
        this.clock = clock;
        this.operationDelay = operationDelay;
    }

    @Override
    public CreatePoolAction createPool(CreatePoolRequest request) throws EngineException {
        simulateWork();
        NameValidation.checkName(request.name());
        NameValidation.checkAbsolute(request.devices());
        Optional<Long> journal = request.journalSizeBytes();
        if (journal.isPresent() && journal.get() % JOURNAL_ALIGNMENT != 0) {
            throw new EngineException("specified integrity journal size " + Long.toUnsignedString(journal.get())
                    + " bytes is not a multiple of 4096");
        }
        checkKeys(request.keyDescriptions());

        Set<String> requested = new LinkedHashSet<>(request.devices());
        Optional<SimPool> existing = pools.values().stream().filter(p -> p.name().equals(request.name())).findFirst();
        if (existing.isPresent()) {
            Set<String> current = existing.get().dataDevnodes();
            if (current.equals(requested)) {
                return new CreatePoolAction.Identity();
            }
            throw new EngineException(differenceMessage(request.name(), requested, current));
        }
        if (requested.isEmpty()) {
            throw new EngineException("At least one blockdev is required to create a pool.");
        }

        long now = clock.instant().getEpochSecond();
        List<SimBlockdev> devs = new ArrayList<>();
        for (String path : requested) {
            devs.add(new SimBlockdev(UUID.randomUUID(), path, Tier.DATA, now));
        }
        SimPool pool = new SimPool(UUID.randomUUID(), request.name(), !request.keyDescriptions().isEmpty(), devs);
        pools.put(pool.uuid(), pool);
        return new CreatePoolAction.Created(pool.view());
    }

    @Override
    public DestroyPoolAction destroyPool(UUID uuid) throws EngineException {
        simulateWork();
        SimPool pool = pools.get(uuid);
        if (pool == null) {
            return new DestroyPoolAction.Identity();
        }
        if (pool.hasFilesystems()) {
            throw new EngineException("filesystems remaining on pool");
        }
        pools.remove(uuid);
        return new DestroyPoolAction.Deleted(uuid);
    }

    @Override
    public Optional<PoolView> pool(UUID uuid) {
        return Optional.ofNullable(pools.get(uuid)).map(SimPool::view);
    }

    @Override
    public List<PoolView> pools() {
        return pools.values().stream().map(SimPool::view).toList();
    }

    /** The simulator ignores device events, as upstream's does. */
    @Override
    public List<PoolView> handleDeviceEvents(List<DeviceEvent> events) {
        return List.of();
    }

    @Override
    public String version() {
        return VERSION;
    }

    private void checkKeys(List<CreatePoolRequest.KeyBinding> bindings) throws EngineException {
        Set<Long> slots = new TreeSet<>();
        long nextFree = 0;
        for (CreatePoolRequest.KeyBinding binding : bindings) {
            if (!keyring.containsKey(binding.description())) {
                throw new EngineException("Key " + binding.description() + " was not found in the keyring");
            }
            long slot;
            if (binding.tokenSlot().isPresent()) {
                slot = binding.tokenSlot().get();
            } else {
                while (slots.contains(nextFree)) {
                    nextFree++;
                }
                slot = nextFree;
            }
            if (!slots.add(slot)) {
                throw new EngineException("Token slot " + slot + " already occupied");
            }
        }
    }

    private static String differenceMessage(String name, Set<String> requested, Set<String> current) {
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

    private void simulateWork() throws EngineException {
        if (operationDelay.isZero()) {
            return;
        }
        try {
            Thread.sleep(operationDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("Operation interrupted");
        }
    }
}
