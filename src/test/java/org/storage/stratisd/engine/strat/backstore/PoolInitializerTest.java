package org.storage.stratisd.engine.strat.backstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.engine.strat.assembly.AssemblyPlanner;
import org.storage.stratisd.engine.strat.assembly.PoolPlan;
import org.storage.stratisd.engine.strat.identify.BlkidSignatures;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity;
import org.storage.stratisd.engine.strat.identify.DeviceProber;
import org.storage.stratisd.engine.strat.metadata.MetadataArea;
import org.storage.stratisd.engine.strat.serde.PoolSaveCodec;
import org.storage.stratisd.testsupport.ImageFiles;

/** Creating a pool on image files: upstream's bytes, re-read from scratch, and refusals that write nothing. */
class PoolInitializerTest {

    private static final UUID P1 = UUID.fromString("d738f9db-9ae3-4b4c-968f-aedcb51943b1");
    private static final UUID LOOP0 = UUID.fromString("96347799-d2f8-45b6-adeb-205489d85571");
    private static final UUID LOOP1 = UUID.fromString("2b6b710c-4ae1-478d-8f82-879ed7004ef2");
    private static final Instant P1_INIT = Instant.ofEpochSecond(1795693954L);

    @TempDir
    Path dir;

    private final DeviceProber prober = new DeviceProber(new BlkidSignatures("blkid"), Path.of("/sys"), Path.of("/proc"));

    private Path sparse(String name, long bytes) throws Exception {
        return ImageFiles.sparse(dir, name, new byte[0], bytes);
    }

    private PoolInitializer initializer(Instant now, UUID... uuids) {
        Queue<UUID> queue = new ArrayDeque<>(List.of(uuids));
        return new PoolInitializer(prober, new ThinMetadataSizeTool("thin_metadata_size"), Clock.fixed(now, ZoneOffset.UTC),
                () -> queue.isEmpty() ? UUID.randomUUID() : queue.remove(), new Random(1));
    }

    /** The first 16 MiB, where the initializer's writes (BDA: 4 MiB) would land. */
    private static byte[] head(Path file, int bytes) throws Exception {
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(bytes);
        }
    }

    private static String digest(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(head(file, 16 << 20)));
    }

    @Test
    void p1AsUpstreamWroteItAtCreation() throws Exception {
        Path d0 = sparse("d0.img", 2L << 30);
        Path d1 = sparse("d1.img", 2L << 30);

        PoolInitializer.Created created = initializer(P1_INIT, LOOP0, LOOP1, P1).create("p1", List.of(d0, d1));

        assertThat(created.poolUuid()).isEqualTo(P1);
        for (Path file : List.of(d0, d1)) {
            byte[] ours = head(file, 8192);
            byte[] upstream = Arrays.copyOf(Fixtures.dump("p1/" + (file == d0 ? "loop0" : "loop1") + "-first16MiB.bin.gz"), 8192);
            assertThat(ours).as("static header of %s", file).isEqualTo(upstream);
        }
        // Everything upstream wrote at creation: the later documents differ only by the thin-pool
        // mode its first check switched (and the cache added later), as InitialLayoutTest shows.
        MetadataArea.State state = MetadataArea.read(org.storage.stratisd.engine.strat.device.FileBlockAccess.openReadOnly(d0));
        assertThat(state.newest().orElseThrow().index()).isZero();
        assertThat(state.regions().get(2).data()).isPresent();
        assertThat(new String(state.newest().orElseThrow().data().orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo(new String(PoolSaveCodec.write(created.metadata()), StandardCharsets.UTF_8));
        assertThat(state.lastUpdate()).contains(P1_INIT);
    }

    @Test
    void aCreatedPoolIsClassifiedAndPlannedAfterReadingItFromScratch() throws Exception {
        List<Path> devices = List.of(sparse("a.img", 1L << 30), sparse("b.img", 3L << 30), sparse("c.img", 1L << 30));
        PoolInitializer.Created created = initializer(Instant.now()).create("fresh", devices);

        List<DeviceIdentity> identities = devices.stream().map(d -> prober.identify(d, Map.of(), false)).toList();
        assertThat(identities).allMatch(DeviceIdentity.StratisMember.class::isInstance);
        List<PoolPlan> plans = AssemblyPlanner.plan(identities);
        assertThat(plans).hasSize(1);
        PoolPlan plan = plans.getFirst();
        assertThat(plan.poolUuid()).isEqualTo(created.poolUuid());
        assertThat(plan.name()).contains("fresh");
        assertThat(plan.decision()).isInstanceOf(PoolPlan.Decision.Ready.class);
        assertThat(plan.devices().stream().map(DeviceIdentity::devnode).toList()).isEqualTo(devices);
        assertThat(plan.metadata()).contains(created.metadata());
    }

    @Test
    void badDevicesAreRefusedByNameAndNothingIsWritten() throws Exception {
        Path good = sparse("good.img", 2L << 30);
        Path small = sparse("small.img", 512L << 20);
        Path ext4 = sparse("ext4.img", 1L << 30);
        assertThat(new ProcessBuilder("mkfs.ext4", "-q", "-F", ext4.toString()).inheritIO().start().waitFor()).isZero();
        Path mbr = sparse("mbr.img", 1L << 30);
        byte[] table = new byte[512];
        table[446 + 4] = (byte) 0x83;
        table[446 + 8] = 1;
        table[446 + 12] = 1;
        table[510] = 0x55;
        table[511] = (byte) 0xaa;
        try (RandomAccessFile f = new RandomAccessFile(mbr.toFile(), "rw")) {
            f.write(table);
        }
        Path member = sparse("member.img", 2L << 30);
        initializer(Instant.now()).create("existing", List.of(member));
        Path link = dir.resolve("link-to-good");
        Files.createSymbolicLink(link, good);

        Map<List<Path>, String> cases = Map.of(
                List.of(good, small), "Device " + small + " is 536870912 bytes; a Stratis device must be at least",
                List.of(good, ext4), "Device " + ext4 + " contains a ext4 signature",
                List.of(good, mbr), "Device " + mbr + " contains a dos partition table",
                List.of(good, good), "Device " + good + " is given more than once",
                List.of(good, link), "Device " + link + " is given more than once (also as " + good + ")",
                List.of(good, dir.resolve("missing")), "Device " + dir.resolve("missing") + " cannot be used: no such device",
                List.of(good, member), "Device " + member + " is already a member of Stratis pool",
                List.of(), "At least one device is required");
        List<Path> all = List.of(good, small, ext4, mbr, member);
        for (Map.Entry<List<Path>, String> c : cases.entrySet()) {
            String[] before = new String[all.size()];
            for (int i = 0; i < all.size(); i++) {
                before[i] = digest(all.get(i));
            }
            assertThatThrownBy(() -> initializer(Instant.now()).create("bad", c.getKey()))
                    .isInstanceOf(EngineException.class).hasMessageStartingWith(c.getValue());
            for (int i = 0; i < all.size(); i++) {
                assertThat(digest(all.get(i))).as("%s after %s", all.get(i), c.getKey()).isEqualTo(before[i]);
            }
        }
    }
}
