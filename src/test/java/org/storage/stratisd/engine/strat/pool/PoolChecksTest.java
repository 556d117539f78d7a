package org.storage.stratisd.engine.strat.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.strat.backstore.Backstore;
import org.storage.stratisd.engine.strat.backstore.Blockdev;
import org.storage.stratisd.engine.strat.backstore.DataTier;
import org.storage.stratisd.engine.strat.backstore.InitialLayout;
import org.storage.stratisd.engine.strat.backstore.Integrity;
import org.storage.stratisd.engine.strat.backstore.ThinMetadataSize;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DmNames;
import org.storage.stratisd.engine.strat.dm.TargetLine;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.stack.PlannedDevice;
import org.storage.stratisd.engine.strat.stack.StackExecutor;
import org.storage.stratisd.engine.strat.stack.StackPlan;
import org.storage.stratisd.engine.strat.stack.Undo;
import org.storage.stratisd.engine.strat.sys.Tools;

/**
 * The growth decision of a pool check and what happens when the kernel refuses it, on a fake of
 * device-mapper (the VM suite's {@code GrowthInVm} and {@code EventsInVm} run the same code on the
 * kernel): a pool of one 10 GiB device with a second one added, whose thin data has less than
 * 15 GiB free, grows its cap and thin data onto the new device; when a table load is refused, the
 * allocation is given back, every device has its old table and nothing stays suspended.
 */
class PoolChecksTest {

    private static final long TEN_GIB = 20971520;
    private static final UUID POOL = UUID.fromString("4c3d2e1f-0a9b-4c8d-9e7f-6a5b4c3d2e1f");
    /** A sizing tool that asks for less than any pool has, so the metadata never needs to grow here. */
    private static final ThinMetadataSize SMALL = (block, pool, thins) -> 1;

    @TempDir
    Path dir;

    private FakeDeviceMapper dm;
    private StratPool pool;
    private Blockdev added;
    private PoolChecks checks;
    private DmNames names;

    @BeforeEach
    void aRunningPoolWithADeviceAdded() throws Exception {
        dm = new FakeDeviceMapper();
        // Device nodes that do not exist: nothing here may write to a real device.
        Blockdev first = Blockdev.initialise(UUID.randomUUID(), dir.resolve("no-device-a"), new DevNum(7, 0), 0, TEN_GIB,
                Optional.of(Integrity.DEFAULT));
        PoolSave layout = InitialLayout.v2("grower", List.of(first), Integrity.DEFAULT, SMALL);
        Backstore backstore = new Backstore(2, new DataTier(List.of(first), layout.backstore().dataTier().blockdev().allocs().getFirst(),
                Optional.of(Integrity.DEFAULT)), layout.backstore().cap().allocs(), layout.backstore().cap().cryptMetaAllocs(),
                Optional.empty(), false);
        pool = new StratPool(POOL, layout, backstore, null, null);
        names = pool.names();
        StackExecutor executor = new StackExecutor(dm);
        Services services = new Services(dm, executor, null, new Tools(name -> dir.resolve(name)), SMALL, null,
                Clock.systemUTC(), new Random(1), null);
        PoolStack stack = new PoolStack(services);
        checks = new PoolChecks(services, stack);
        Undo undo = new Undo();
        for (PlannedDevice d : StackPlan.backstore(names, 2, backstore.dataTier().segments(), Map.of(first.uuid(), first.devNum()))) {
            executor.ensure(d, pool.devices(), undo);
        }
        executor.ensure(StackPlan.flex(names.thinmeta(), pool.cap(), pool.thinMetaDev()), pool.devices(), undo);
        executor.ensure(StackPlan.flex(names.thindata(), pool.cap(), pool.thinDataDev()), pool.devices(), undo);
        executor.ensure(StackPlan.flex(names.mdv(), pool.cap(), pool.metaDev()), pool.devices(), undo);
        pool.lowWater(StackPlan.lowWaterAtCreation(pool.thinDataSize(), pool.dataBlockSize()));
        executor.ensure(PoolStack.thinpool(pool), pool.devices(), undo);
        undo.commit();
        added = Blockdev.initialise(UUID.randomUUID(), dir.resolve("no-device-b"), new DevNum(7, 1), 0, TEN_GIB,
                Optional.of(Integrity.DEFAULT));
        backstore.dataTier().add(List.of(added));
        long blocks = pool.thinDataSize() / pool.dataBlockSize();
        dm.status(names.thinpool(), "thin-pool", "0 100/1536 " + (blocks - 10) + "/" + blocks
                + " - rw no_discard_passdown queue_if_no_space - 768");
    }

    @Test
    void aGrowthTheKernelRefusesIsGivenBackAndLeavesNothingSuspended() {
        Map<String, List<TargetLine>> tables = dm.tables();
        PoolSave.Backstore recorded = pool.backstore().save();
        List<PoolSave.Range> data = List.copyOf(pool.thinDataDev());
        long free = added.allocator().available();
        dm.failNextLoad(names.thindata());

        assertThatThrownBy(() -> checks.check(pool)).isInstanceOf(EngineException.class)
                .hasMessageContaining("Cannot extend the thin data of pool grower")
                .hasMessageContaining("DM_TABLE_LOAD of " + names.thindata());

        assertThat(dm.suspended()).as("suspended devices").isEmpty();
        assertThat(dm.tables()).isEqualTo(tables);
        assertThat(pool.backstore().save()).isEqualTo(recorded);
        assertThat(pool.thinDataDev()).isEqualTo(data);
        assertThat(added.allocator().available()).isEqualTo(free);
    }

    @Test
    void aRefusedCapGrowthIsGivenBackToo() {
        Map<String, List<TargetLine>> tables = dm.tables();
        PoolSave.Backstore recorded = pool.backstore().save();
        dm.failNextLoad(names.cache());

        assertThatThrownBy(() -> checks.check(pool)).isInstanceOf(EngineException.class)
                .hasMessageContaining("DM_TABLE_LOAD of " + names.cache());

        assertThat(dm.suspended()).isEmpty();
        assertThat(dm.tables()).isEqualTo(tables);
        assertThat(pool.backstore().save()).isEqualTo(recorded);
    }
}
