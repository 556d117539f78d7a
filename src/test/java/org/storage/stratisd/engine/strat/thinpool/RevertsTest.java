package org.storage.stratisd.engine.strat.thinpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which scheduled reverts a set-up carries out (real-engine spec §4), with upstream's refusals. */
class RevertsTest {

    private static final UUID O = UUID.fromString("3f2c0000-0000-4000-8000-000000000001");
    private static final UUID S = UUID.fromString("9d410000-0000-4000-8000-000000000002");
    private static final UUID T = UUID.fromString("9d410000-0000-4000-8000-000000000003");
    private static final UUID U = UUID.fromString("9d410000-0000-4000-8000-000000000004");

    private static FilesystemSave fs(String name, UUID uuid, long thinId, long size, Optional<UUID> origin, boolean merge) {
        return new FilesystemSave(name, uuid, thinId, size, 1732612345 + thinId, thinId == 1 ? OptionalLong.of(8L << 21)
                : OptionalLong.empty(), origin, merge);
    }

    @Test
    void aScheduledSnapshotTakesItsOriginsNameUuidAndCreationAndKeepsItsOwnThinIdSizeAndLimit() {
        FilesystemSave origin = fs("fs1", O, 0, 2147483648L, Optional.empty(), false);
        FilesystemSave snap = fs("snap1", S, 1, 4294967296L, Optional.of(O), true);
        FilesystemSave child = fs("snap2", T, 2, 4294967296L, Optional.of(S), false);
        Reverts.Plan plan = Reverts.plan(List.of(origin, snap, child));
        assertThat(plan.warnings()).isEmpty();
        assertThat(plan.others()).containsExactly(child);
        assertThat(plan.reverts()).hasSize(1);
        Reverts.Revert revert = plan.reverts().getFirst();
        assertThat(revert.completed()).isFalse();
        assertThat(revert.merged()).isEqualTo(new FilesystemSave("fs1", O, 1, 4294967296L, 1732612345, OptionalLong.of(8L << 21),
                Optional.empty(), false));
    }

    @Test
    void twoSnapshotsScheduledIntoOneOriginRevertNothing() {
        FilesystemSave origin = fs("fs1", O, 0, 100, Optional.empty(), false);
        List<FilesystemSave> records = List.of(origin, fs("a", S, 1, 100, Optional.of(O), true), fs("b", T, 2, 100, Optional.of(O), true),
                fs("c", U, 3, 100, Optional.of(O), true));
        Reverts.Plan plan = Reverts.plan(records);
        assertThat(plan.reverts()).isEmpty();
        assertThat(plan.others()).isEqualTo(records);
        assertThat(plan.warnings()).singleElement().asString().startsWith("Ambiguous revert request")
                .endsWith("Snapshots: " + S + ", " + T + ", " + U + " -> " + O);
    }

    @Test
    void aChainOfRevertsIsAmbiguousAndAScheduledFilesystemWithoutOriginMakesNoSense() {
        FilesystemSave origin = fs("fs1", O, 0, 100, Optional.empty(), false);
        FilesystemSave middle = fs("mid", S, 1, 100, Optional.of(O), true);
        FilesystemSave last = fs("last", T, 2, 100, Optional.of(S), true);
        FilesystemSave lonely = fs("lonely", U, 3, 100, Optional.empty(), true);
        Reverts.Plan plan = Reverts.plan(List.of(origin, middle, last, lonely));
        assertThat(plan.reverts()).isEmpty();
        assertThat(plan.others()).containsExactly(origin, middle, last, lonely);
        assertThat(plan.warnings()).hasSize(3).anySatisfy(w -> assertThat(w).contains("which has no origin has been scheduled"))
                .filteredOn(w -> w.startsWith("A chain of reverts")).hasSize(2);
    }

    @Test
    void aRevertWhoseSnapshotRecordSurvivedIsOnlyCompleted() {
        FilesystemSave merged = fs("fs1", O, 1, 100, Optional.empty(), false);
        FilesystemSave leftover = fs("snap1", S, 1, 100, Optional.of(O), true);
        Reverts.Revert revert = Reverts.plan(List.of(merged, leftover)).reverts().getFirst();
        assertThat(revert.completed()).isTrue();
        assertThat(revert.merged().thinId()).isEqualTo(1);
    }

    @Test
    void aSnapshotScheduledIntoAnOriginWithoutRecordIsLeftAlone() {
        FilesystemSave orphan = fs("snap1", S, 1, 100, Optional.of(O), true);
        Reverts.Plan plan = Reverts.plan(List.of(orphan));
        assertThat(plan.reverts()).isEmpty();
        assertThat(plan.others()).containsExactly(orphan);
        assertThat(plan.warnings()).singleElement().asString().contains("which has no record");
    }
}
