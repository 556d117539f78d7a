package org.storage.stratisd.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.storage.stratisd.engine.sim.SimFixture.GIB;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.Actions.Change;
import org.storage.stratisd.engine.Actions.DestroyFilesystemsAction;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.Actions.SnapshotAction;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.FilesystemSpec;
import org.storage.stratisd.engine.view.FilesystemView;

class SimFilesystemsTest {

    private final SimFixture sim = new SimFixture();

    @Test
    void aNewFilesystemHasTheDefaultSizeHalfUsedAndADevnodeUnderItsPool() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/sdb");
        FilesystemView fs = sim.filesystem(pool, "fs1");

        assertThat(fs.size()).hasToString("1099511627776");
        assertThat(fs.used()).contains(new BigInteger("549755813888"));
        assertThat(fs.devnode()).isEqualTo("/somepath/p1/fs1");
        assertThat(fs.sizeLimit()).isEmpty();
        assertThat(fs.origin()).isEmpty();
    }

    @Test
    void sizesAreCheckedInTheSpecsOrder() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/sdb");
        BigInteger tooBig = BigInteger.ONE.shiftLeft(64).multiply(BigInteger.valueOf(512));
        assertThatThrownBy(() -> sim.filesystem(pool, "f", tooBig, null))
                .hasMessage("Requested size or size limit of filesystem f exceeds maximum specifiable filesystem size 9444732965739290426880 bytes");
        assertThatThrownBy(() -> sim.filesystem(pool, "f", GIB.add(BigInteger.ONE), null))
                .hasMessage("Requested size or size limit of filesystem f must be divisible by 512");
        assertThatThrownBy(() -> sim.filesystem(pool, "f", BigInteger.valueOf(512), null))
                .hasMessage("Requested size or size_limit of filesystem f is 1 sectors which is less than minimum required: 1048576 sectors");
        assertThatThrownBy(() -> sim.filesystem(pool, "f", GIB.shiftLeft(1), GIB))
                .hasMessage("Limit of 2097152 sectors is less than requested size 4194304 sectors");
        assertThat(sim.engine.pool(pool).orElseThrow().filesystems()).isEmpty();
    }

    @Test
    void anExistingNameWithTheSameSizeIsSkippedAndWithAnotherSizeRefused() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/sdb");
        sim.filesystem(pool, "fs1", GIB, null);

        assertThat(sim.engine.createFilesystems(pool, List.of(new FilesystemSpec("fs1", Optional.of(GIB), Optional.empty()))))
                .isEmpty();
        assertThatThrownBy(() -> sim.filesystem(pool, "fs1", GIB.shiftLeft(1), null))
                .hasMessage("Size 4194304 sectors of filesystem fs1 to be created conflicts with size 2097152 sectors for existing filesystem");
    }

    @Test
    void theFilesystemLimitCountsEvenANoOpSpec() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/sdb");
        for (int i = 0; i < 10; i++) {
            sim.filesystem(pool, "fs" + i);
        }
        assertThatThrownBy(() -> sim.filesystem(pool, "fs0"))
                .hasMessage("The pool limit of 10 filesystems has already been reached; increase the filesystem limit on the pool to continue");
        sim.engine.setFsLimit(pool, 11);
        assertThat(sim.filesystem(pool, "fs10").name()).isEqualTo("fs10");
        assertThatThrownBy(() -> sim.engine.setFsLimit(pool, 11)).hasMessage("New filesystem limit must be greater than old limit");
    }

    @Test
    void aSnapshotCopiesSizeAndLimitAndRecordsItsOrigin() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/sdb");
        FilesystemView origin = sim.filesystem(pool, "fs1", GIB, GIB.shiftLeft(1));

        SnapshotAction action = sim.engine.snapshotFilesystem(pool, origin.uuid(), "snap");

        FilesystemView snap = ((SnapshotAction.Created) action).snapshot();
        assertThat(snap.size()).isEqualTo(origin.size());
        assertThat(snap.sizeLimit()).isEqualTo(origin.sizeLimit());
        assertThat(snap.origin()).contains(origin.uuid());
        assertThat(sim.engine.snapshotFilesystem(pool, origin.uuid(), "snap")).isInstanceOf(SnapshotAction.Identity.class);
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> sim.engine.snapshotFilesystem(pool, unknown, "x")).hasMessage(unknown.toString());
    }

    @Test
    void destroyingAnOriginReparentsItsSnapshotsToTheGrandparent() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/sdb");
        FilesystemView a = sim.filesystem(pool, "a");
        FilesystemView b = ((SnapshotAction.Created) sim.engine.snapshotFilesystem(pool, a.uuid(), "b")).snapshot();
        FilesystemView c = ((SnapshotAction.Created) sim.engine.snapshotFilesystem(pool, b.uuid(), "c")).snapshot();

        DestroyFilesystemsAction action = sim.engine.destroyFilesystems(pool, Set.of(b.uuid(), UUID.randomUUID()));

        assertThat(action.destroyed()).containsExactly(b.uuid());
        assertThat(action.reparented()).containsEntry(c.uuid(), Optional.of(a.uuid()));
        assertThat(sim.fs(pool, c.uuid()).origin()).contains(a.uuid());
        sim.engine.destroyFilesystems(pool, Set.of(a.uuid()));
        assertThat(sim.fs(pool, c.uuid()).origin()).isEmpty();
    }

    @Test
    void scheduledRevertsBlockDestructionAndConflictingSchedules() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/sdb");
        FilesystemView origin = sim.filesystem(pool, "o");
        FilesystemView s1 = ((SnapshotAction.Created) sim.engine.snapshotFilesystem(pool, origin.uuid(), "s1")).snapshot();
        FilesystemView s2 = ((SnapshotAction.Created) sim.engine.snapshotFilesystem(pool, origin.uuid(), "s2")).snapshot();

        assertThatThrownBy(() -> sim.engine.setMergeScheduled(pool, origin.uuid(), true))
                .hasMessage("Filesystem " + origin.uuid() + " has no origin, revert cannot be scheduled");
        assertThat(sim.engine.setMergeScheduled(pool, s1.uuid(), true)).isEqualTo(Change.CHANGED);
        assertThat(sim.engine.setMergeScheduled(pool, s1.uuid(), true)).isEqualTo(Change.IDENTITY);
        assertThatThrownBy(() -> sim.engine.setMergeScheduled(pool, s2.uuid(), true))
                .hasMessage("Filesystem s1 with UUID " + s1.uuid() + " is already scheduled to be reverted into origin filesystem " + origin.uuid());
        assertThatThrownBy(() -> sim.engine.destroyFilesystems(pool, Set.of(s1.uuid())))
                .hasMessage("The filesystem destroy operation can not be begun until the revert operations for the following"
                        + " filesystem snapshots have been cancelled: " + s1.uuid());
        assertThatThrownBy(() -> sim.engine.destroyFilesystems(pool, Set.of(origin.uuid())))
                .hasMessage("The filesystem destroy operation for filesystems (" + origin.uuid() + ") can not be begun until the"
                        + " revert operations for the following filesystem snapshots have been cancelled: " + s1.uuid());
        assertThat(sim.engine.pool(pool).orElseThrow().filesystems()).hasSize(3);
    }

    @Test
    void renameValidatesFirstThenFindsTheFilesystem() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/sdb");
        FilesystemView a = sim.filesystem(pool, "a");
        sim.filesystem(pool, "b");

        assertThatThrownBy(() -> sim.engine.renameFilesystem(pool, UUID.randomUUID(), "a b"))
                .hasMessage("Provided string contains characters not allowed in udev symlinks: a b");
        assertThat(sim.engine.renameFilesystem(pool, UUID.randomUUID(), "x")).isInstanceOf(RenameAction.NoSource.class);
        assertThat(sim.engine.renameFilesystem(pool, a.uuid(), "a")).isInstanceOf(RenameAction.Identity.class);
        assertThatThrownBy(() -> sim.engine.renameFilesystem(pool, a.uuid(), "b")).hasMessage("Entry with name b already exists");
        assertThat(sim.engine.renameFilesystem(pool, a.uuid(), "c")).isInstanceOf(RenameAction.Renamed.class);
        assertThat(sim.fs(pool, a.uuid()).devnode()).isEqualTo("/somepath/p1/c");
    }

    @Test
    void sizeLimitsFollowTheSizeRulesAndMayNotGoBelowTheSize() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/sdb");
        FilesystemView fs = sim.filesystem(pool, "f", GIB.shiftLeft(1), null);

        assertThatThrownBy(() -> sim.engine.setSizeLimit(pool, fs.uuid(), Optional.of(GIB)))
                .hasMessage("Limit requested of 2097152 sectors is smaller than current filesystem size of 4194304 sectors");
        assertThat(sim.engine.setSizeLimit(pool, fs.uuid(), Optional.of(GIB.shiftLeft(2)))).isEqualTo(Change.CHANGED);
        assertThat(sim.engine.setSizeLimit(pool, fs.uuid(), Optional.of(GIB.shiftLeft(2)))).isEqualTo(Change.IDENTITY);
        assertThat(sim.engine.setSizeLimit(pool, fs.uuid(), Optional.empty())).isEqualTo(Change.CHANGED);
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> sim.engine.setSizeLimit(pool, unknown, Optional.empty()))
                .hasMessage("Filesystem with UUID " + unknown + " not found");
    }

    @Test
    void poolsWithFilesystemsCannotBeDestroyed() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/sdb");
        sim.filesystem(pool, "fs1");
        assertThatThrownBy(() -> sim.engine.destroyPool(pool)).hasMessage("filesystems remaining on pool");
    }
}
