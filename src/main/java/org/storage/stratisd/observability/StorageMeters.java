package org.storage.stratisd.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.storage.stratisd.dbus.publish.PublishedStorage;
import org.storage.stratisd.engine.Engine;
import org.storage.stratisd.engine.view.FilesystemView;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.StoppedPoolView;
import org.storage.stratisd.engine.view.ThinPoolUsage;

/**
 * The operator's storage figures: per pool, per filesystem, and pools by state, from the snapshots
 * the tree was last published from ({@link PublishedStorage}) and the thin-pool usage the engine
 * keeps ({@link Engine#thinPoolUsage()}); neither takes an engine lock, so a scrape never waits for
 * a pool operation and never slows one.
 *
 * <p>Series come and go with pools and filesystems: a refresher re-registers the rows of each
 * {@link MultiGauge} whenever the published state changed, checking every {@code refresh}; rows
 * no longer present are removed, so a destroyed or renamed pool leaves no stale series. Values
 * are those of the snapshot taken at that refresh, so a scrape is at most one refresh behind the
 * bus; thin usage is read at each scrape.
 *
 * <p>Concurrency: {@link #refresh()} is synchronized, so the refresher thread (and a test calling it
 * directly) re-register one at a time; {@link #lastVersion}, {@link #lastThin} and the row lists
 * are only touched inside it. Scrapes read the registered rows (Micrometer's registry is
 * concurrent) and the pool counts ({@link AtomicLong}s), never the refresher's state.
 */
public final class StorageMeters implements MeterBinder, AutoCloseable {

    private final PublishedStorage storage;
    private final Engine engine;
    private final Duration refresh;
    private final ScheduledExecutorService refresher;
    private final Map<String, MultiGauge> poolGauges = new LinkedHashMap<>();
    private final Map<String, MultiGauge> fsGauges = new LinkedHashMap<>();
    private final Map<String, MultiGauge> thinGauges = new LinkedHashMap<>();
    private MultiGauge poolState;
    /** Pools by state as of the last refresh; written by the refresher, read at scrapes. */
    private final Map<State, AtomicLong> byState = new EnumMap<>(State.class);
    private long lastVersion = -1;
    private Set<UUID> lastThin = Set.of();
    /** The holders of the pool and filesystem series now registered, by meter name and tags. */
    private Map<String, Map<Tags, Value>> values = Map.of();

    /** A pool's state, for {@code stratisd_pool_state} and {@code stratisd_pools}. */
    enum State {
        RUNNING, STOPPED, LOCKED, INCOMPLETE, INVALID;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Creates the binder; nothing is registered until {@link #bindTo}.
     *
     * @param storage what the tree was published from
     * @param engine  for the thin-pool usage it records
     * @param refresh how often to look for changed pools and filesystems
     */
    public StorageMeters(PublishedStorage storage, Engine engine, Duration refresh) {
        this.storage = storage;
        this.engine = engine;
        this.refresh = refresh;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storage-meters");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(poolGauges, registry, "stratisd.pool.physical.size", "bytes", "The pool's physical size (TotalPhysicalSize)");
        gauge(poolGauges, registry, "stratisd.pool.physical.used", "bytes", "Physical space in use (TotalPhysicalUsed)");
        gauge(poolGauges, registry, "stratisd.pool.allocated", "bytes", "Physical space allocated to the pool's thin pool and metadata (AllocatedSize)");
        gauge(poolGauges, registry, "stratisd.pool.logical.size", "bytes", "The sum of its filesystems' sizes (above the physical size: overprovisioned)");
        gauge(poolGauges, registry, "stratisd.pool.filesystems", null, "Filesystems in the pool");
        gauge(poolGauges, registry, "stratisd.pool.filesystem.limit", null, "The most filesystems the pool may hold (FsLimit)");
        gauge(poolGauges, registry, "stratisd.pool.overprovisioning", null, "1 if the pool may be overprovisioned (Overprovisioning)");
        gauge(poolGauges, registry, "stratisd.pool.no.alloc.space", null, "1 if the pool has no space left to allocate (NoAllocSpace)");
        gauge(poolGauges, registry, "stratisd.pool.encrypted", null, "1 if the pool is encrypted");
        gauge(poolGauges, registry, "stratisd.pool.cache", null, "1 if the pool has a cache tier");
        gauge(thinGauges, registry, "stratisd.pool.thin.data.used", "bytes", "Thin data in use, from the thin pool's status (real engine)");
        gauge(thinGauges, registry, "stratisd.pool.thin.data.size", "bytes", "Thin data in all (real engine)");
        gauge(thinGauges, registry, "stratisd.pool.thin.metadata.used", "bytes", "Thin metadata in use (real engine)");
        gauge(thinGauges, registry, "stratisd.pool.thin.metadata.size", "bytes", "Thin metadata in all (real engine)");
        gauge(thinGauges, registry, "stratisd.pool.thin.out.of.data.space", null, "1 if the thin pool is in out_of_data_space mode (real engine)");
        gauge(thinGauges, registry, "stratisd.pool.thin.read.only", null, "1 if the thin pool has fallen back to read-only (real engine)");
        gauge(fsGauges, registry, "stratisd.filesystem.size", "bytes", "The filesystem's size");
        gauge(fsGauges, registry, "stratisd.filesystem.used", "bytes", "Bytes in use in the filesystem");
        gauge(fsGauges, registry, "stratisd.filesystem.size.limit", "bytes", "The filesystem's size limit, where one is set");
        poolState = MultiGauge.builder("stratisd.pool.state")
                .description("1 for each known pool, labelled with its state").register(registry);
        for (State state : State.values()) {
            AtomicLong count = new AtomicLong();
            byState.put(state, count);
            Gauge.builder("stratisd.pools", count, AtomicLong::get).tag("state", state.label())
                    .description("Known pools by state").register(registry);
        }
        refresh();
        long millis = Math.max(1, refresh.toMillis());
        refresher.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    private static void gauge(Map<String, MultiGauge> into, MeterRegistry registry, String name, String unit, String description) {
        into.put(name, MultiGauge.builder(name).baseUnit(unit).description(description).register(registry));
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // A failed refresh keeps the previous series; the next one tries again.
            System.getLogger(StorageMeters.class.getName()).log(System.Logger.Level.WARNING, "Storage metrics not refreshed", e);
        }
    }

    /** Re-registers every row from the current snapshots if anything was published since the last time. */
    synchronized void refresh() {
        long version = storage.version();
        Set<UUID> thin = Set.copyOf(engine.thinPoolUsage().keySet());
        if (version == lastVersion && thin.equals(lastThin)) {
            return;
        }
        Collection<PoolView> running = storage.running();
        if (version != lastVersion) {
            registerPools(running);
        }
        registerThin(running, thin);
        lastVersion = version;
        lastThin = thin;
    }

    /**
     * A published figure's current value. A series keeps its holder for as long as it exists, and
     * rows are registered without overwriting: replacing a live series' meter while a scrape reads
     * the registry can make that scrape see it twice (and fail), so a refresh only adds series that
     * are new, removes those that are gone, and updates the values of the rest in place.
     */
    private static final class Value {
        private volatile double value;

        double get() {
            return value;
        }
    }

    private void registerPools(Collection<PoolView> running) {
        Map<String, Map<Tags, Value>> next = new HashMap<>();
        Map<String, List<MultiGauge.Row<?>>> poolRows = rows(poolGauges.keySet());
        Map<String, List<MultiGauge.Row<?>>> fsRows = rows(fsGauges.keySet());
        List<MultiGauge.Row<?>> stateRows = new ArrayList<>();
        Map<State, Long> counts = new EnumMap<>(State.class);
        Set<UUID> seen = new HashSet<>();
        for (PoolView p : running) {
            seen.add(p.uuid());
            Tags tags = poolTags(p.name(), p.uuid());
            BigInteger logical = p.filesystems().stream().map(FilesystemView::size).reduce(BigInteger.ZERO, BigInteger::add);
            add(next, poolRows, "stratisd.pool.physical.size", tags, p.totalPhysicalSize().doubleValue());
            add(next, poolRows, "stratisd.pool.physical.used", tags, p.totalPhysicalUsed().doubleValue());
            add(next, poolRows, "stratisd.pool.allocated", tags, p.allocatedSize().doubleValue());
            add(next, poolRows, "stratisd.pool.logical.size", tags, logical.doubleValue());
            add(next, poolRows, "stratisd.pool.filesystems", tags, p.filesystems().size());
            add(next, poolRows, "stratisd.pool.filesystem.limit", tags, p.fsLimit());
            add(next, poolRows, "stratisd.pool.overprovisioning", tags, flag(p.overprovisioning()));
            add(next, poolRows, "stratisd.pool.no.alloc.space", tags, flag(p.noAllocSpace()));
            add(next, poolRows, "stratisd.pool.encrypted", tags, flag(p.encrypted()));
            add(next, poolRows, "stratisd.pool.cache", tags, flag(p.hasCache()));
            for (FilesystemView f : p.filesystems()) {
                Tags ft = tags.and("filesystem_name", f.name(), "filesystem_uuid", simple(f.uuid()));
                add(next, fsRows, "stratisd.filesystem.size", ft, f.size().doubleValue());
                f.used().ifPresent(u -> add(next, fsRows, "stratisd.filesystem.used", ft, u.doubleValue()));
                f.sizeLimit().ifPresent(l -> add(next, fsRows, "stratisd.filesystem.size.limit", ft, l.doubleValue()));
            }
            stateRows.add(MultiGauge.Row.of(tags.and("state", State.RUNNING.label()), 1));
            counts.merge(State.RUNNING, 1L, Long::sum);
        }
        for (StoppedPoolView s : storage.stopped()) {
            if (!seen.add(s.uuid())) {
                continue; // started a moment ago; the stopped list follows shortly
            }
            State state = switch (s.condition()) {
                case STOPPED -> State.STOPPED;
                case LOCKED -> State.LOCKED;
                case INCOMPLETE -> State.INCOMPLETE;
                case INVALID -> State.INVALID;
            };
            stateRows.add(MultiGauge.Row.of(poolTags(s.name().orElse(""), s.uuid()).and("state", state.label()), 1));
            counts.merge(state, 1L, Long::sum);
        }
        poolRows.forEach((name, rows) -> poolGauges.get(name).register(rows, false));
        fsRows.forEach((name, rows) -> fsGauges.get(name).register(rows, false));
        poolState.register(stateRows, false);
        values = next;
        for (State state : State.values()) {
            byState.get(state).set(counts.getOrDefault(state, 0L));
        }
    }

    /**
     * The thin-pool series of the running pools the engine has usage for. Their values are read at
     * each scrape, since thin usage changes as data is written, with nothing published.
     */
    private void registerThin(Collection<PoolView> running, Set<UUID> withUsage) {
        Map<String, List<MultiGauge.Row<?>>> rows = rows(thinGauges.keySet());
        for (PoolView p : running) {
            if (withUsage.contains(p.uuid())) {
                Tags tags = poolTags(p.name(), p.uuid());
                UUID uuid = p.uuid();
                live(rows, "stratisd.pool.thin.data.used", tags, uuid, ThinPoolUsage::dataUsed);
                live(rows, "stratisd.pool.thin.data.size", tags, uuid, ThinPoolUsage::dataSize);
                live(rows, "stratisd.pool.thin.metadata.used", tags, uuid, ThinPoolUsage::metadataUsed);
                live(rows, "stratisd.pool.thin.metadata.size", tags, uuid, ThinPoolUsage::metadataSize);
                live(rows, "stratisd.pool.thin.out.of.data.space", tags, uuid, u -> flag(u.outOfDataSpace()));
                live(rows, "stratisd.pool.thin.read.only", tags, uuid, u -> flag(u.readOnly()));
            }
        }
        rows.forEach((name, r) -> thinGauges.get(name).register(r, false));
    }

    private void live(Map<String, List<MultiGauge.Row<?>>> rows, String name, Tags tags, UUID pool,
                      ToDoubleFunction<ThinPoolUsage> value) {
        rows.get(name).add(MultiGauge.Row.of(tags, engine, e -> {
            ThinPoolUsage u = e.thinPoolUsage().get(pool);
            return u == null ? Double.NaN : value.applyAsDouble(u);
        }));
    }

    private static Map<String, List<MultiGauge.Row<?>>> rows(Set<String> names) {
        Map<String, List<MultiGauge.Row<?>>> rows = new LinkedHashMap<>();
        names.forEach(n -> rows.put(n, new ArrayList<>()));
        return rows;
    }

    private void add(Map<String, Map<Tags, Value>> next, Map<String, List<MultiGauge.Row<?>>> rows, String name, Tags tags,
                     double value) {
        Value holder = values.getOrDefault(name, Map.of()).get(tags);
        if (holder == null) {
            holder = new Value();
        }
        holder.value = value;
        next.computeIfAbsent(name, n -> new HashMap<>()).put(tags, holder);
        rows.get(name).add(MultiGauge.Row.of(tags, holder, Value::get));
    }

    private static Tags poolTags(String name, UUID uuid) {
        return Tags.of("pool_name", name, "pool_uuid", simple(uuid));
    }

    /** UUIDs as the D-Bus API and the CLI show them: 32 hex digits, no hyphens. */
    private static String simple(UUID uuid) {
        return uuid.toString().replace("-", "");
    }

    private static double flag(boolean value) {
        return value ? 1 : 0;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
