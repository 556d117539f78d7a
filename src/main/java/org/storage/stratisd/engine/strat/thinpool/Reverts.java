package org.storage.stratisd.engine.strat.thinpool;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Which scheduled reverts a pool's set-up carries out (real-engine spec §4): a snapshot whose
 * record has {@code merge: true} replaces its origin, unless the request is ambiguous. Ignored,
 * with a warning each, as upstream 3.9.2 does: a filesystem without an origin scheduled for merge;
 * two or more snapshots scheduled into one origin; a chain, where an origin being reverted into is
 * itself a snapshot scheduled to revert. Plain values, no devices.
 */
public final class Reverts {

    private Reverts() {
    }

    /**
     * One revert: the snapshot's thin device becomes the origin.
     *
     * @param origin   the origin's record
     * @param snapshot the snapshot's record
     */
    public record Revert(FilesystemSave origin, FilesystemSave snapshot) {

        /**
         * The record the reverted filesystem gets: the origin's name, UUID, creation time and
         * origin, not scheduled; the snapshot's thin id, size and size limit.
         *
         * @return the merged record
         */
        public FilesystemSave merged() {
            return new FilesystemSave(origin.name(), origin.uuid(), snapshot.thinId(), snapshot.size(), origin.created(),
                    snapshot.fsSizeLimit(), origin.origin(), false);
        }

        /**
         * Whether the revert was carried out before but its snapshot's record was not deleted yet (a
         * crash between the two record writes): the origin already has the snapshot's thin id. Then
         * only the snapshot's record goes; no thin device is deleted, since the one the origin had
         * before is gone and the one it has now is the snapshot's.
         *
         * @return true if only the snapshot's record is left to delete
         */
        public boolean completed() {
            return origin.thinId() == snapshot.thinId();
        }
    }

    /**
     * The outcome for a pool's records.
     *
     * @param reverts  the reverts to carry out, in record order
     * @param others   every other record, to be set up as it is
     * @param warnings why a scheduled revert does not happen, one sentence each
     */
    public record Plan(List<Revert> reverts, List<FilesystemSave> others, List<String> warnings) {
    }

    /**
     * Decides the reverts for a pool's records (names and UUIDs already unique).
     *
     * @param records the pool's filesystem records
     * @return the plan
     */
    public static Plan plan(List<FilesystemSave> records) {
        Map<UUID, FilesystemSave> byUuid = new LinkedHashMap<>();
        records.forEach(r -> byUuid.put(r.uuid(), r));
        List<String> warnings = new ArrayList<>();
        Map<UUID, UUID> ready = new LinkedHashMap<>();
        Map<UUID, List<UUID>> duplicates = new LinkedHashMap<>();
        Set<UUID> scheduled = new HashSet<>();
        for (FilesystemSave r : records) {
            if (!r.merge()) {
                continue;
            }
            if (r.origin().isEmpty()) {
                warnings.add("Filesystem with UUID " + r.uuid() + " and name " + r.name()
                        + " which has no origin has been scheduled to be merged; this makes no sense.");
                continue;
            }
            UUID origin = r.origin().get();
            if (duplicates.containsKey(origin)) {
                duplicates.get(origin).add(r.uuid());
            } else if (ready.containsKey(origin)) {
                duplicates.put(origin, new ArrayList<>(List.of(ready.remove(origin), r.uuid())));
            } else {
                ready.put(origin, r.uuid());
            }
            scheduled.add(r.uuid());
        }
        duplicates.forEach((origin, snapshots) -> warnings.add("Ambiguous revert request; at least two snapshots scheduled to be"
                + " reverted into a single origin. The scheduled reverts will not occur. Snapshots: "
                + String.join(", ", snapshots.stream().map(UUID::toString).toList()) + " -> " + origin));
        List<Revert> reverts = new ArrayList<>();
        Set<UUID> taken = new HashSet<>();
        for (Map.Entry<UUID, UUID> e : ready.entrySet()) {
            UUID origin = e.getKey();
            UUID snapshot = e.getValue();
            boolean chained = scheduled.contains(origin) || ready.containsKey(snapshot);
            if (chained) {
                warnings.add("A chain of reverts that includes " + origin + " and " + snapshot + " has been scheduled. The intended"
                        + " order of reverts is ambiguous, the scheduled revert will not occur.");
            } else if (!byUuid.containsKey(origin)) {
                warnings.add("Snapshot " + snapshot + " is scheduled to revert into origin " + origin
                        + ", which has no record; the revert will not occur.");
            } else {
                reverts.add(new Revert(byUuid.get(origin), byUuid.get(snapshot)));
                taken.add(origin);
                taken.add(snapshot);
            }
        }
        List<FilesystemSave> others = records.stream().filter(r -> !taken.contains(r.uuid())).toList();
        return new Plan(List.copyOf(reverts), others, List.copyOf(warnings));
    }
}
