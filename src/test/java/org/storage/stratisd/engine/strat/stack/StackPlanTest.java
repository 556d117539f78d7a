package org.storage.stratisd.engine.strat.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.engine.strat.backstore.Blockdev;
import org.storage.stratisd.engine.strat.backstore.InitialLayout;
import org.storage.stratisd.engine.strat.backstore.Integrity;
import org.storage.stratisd.engine.strat.backstore.ThinMetadataSizeTool;
import org.storage.stratisd.engine.strat.dm.DevNum;
import org.storage.stratisd.engine.strat.dm.DmNames;
import org.storage.stratisd.engine.strat.dm.TargetLine;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.engine.strat.serde.PoolSaveCodec;
import org.storage.stratisd.engine.strat.sys.Uevents;
import org.storage.stratisd.engine.strat.thinpool.FilesystemSave;
import org.storage.stratisd.json.Json;

/**
 * What the stack is made of, as plain values, against upstream's recorded tables and the spec
 * (real-engine spec §1.3, §1.4, §2.4): names, table lines, low-water marks. The executor that
 * makes them real is tested on the kernel ({@code DeviceMapperInVm} and the pool suites).
 */
class StackPlanTest {

    private static final UUID P1 = UUID.fromString("d738f9db-9ae3-4b4c-968f-aedcb51943b1");

    /** p1 at step b (filesystems and a snapshot, no cache yet): upstream's `dmsetup table`, planned from p1's metadata. */
    @Test
    void upstreamsPoolOneIsPlannedIntoTheTablesUpstreamLoaded() throws Exception {
        PoolSave save = PoolSaveCodec.parse(Fixtures.text("p1/loop0-first16MiB.mda.json").getBytes(StandardCharsets.UTF_8));
        DmNames names = new DmNames(P1);
        Map<String, DevNum> numbers = numbers(Fixtures.text("p1/dm/p1-b-after-fs-snap-dmsetup-info-c.txt"));
        Map<String, List<TargetLine>> upstream = tables(Fixtures.text("p1/dm/p1-b-after-fs-snap-dmsetup-table.txt"));

        List<PlannedDevice> planned = new ArrayList<>(StackPlan.backstore(names, 1, save.backstore().dataTier().blockdev().allocs()
                .getFirst(), Map.of(UUID.fromString("96347799-d2f8-45b6-adeb-205489d85571"), new DevNum(7, 0),
                UUID.fromString("2b6b710c-4ae1-478d-8f82-879ed7004ef2"), new DevNum(7, 1))));
        assertThat(planned).hasSize(1);
        planned.addAll(StackPlan.flexForSetup(names, names.originsub(), save.flexDevs()));
        planned.add(StackPlan.thinpool(names, PoolSave.sum(save.flexDevs().thinDataDev()), save.thinpoolDev().dataBlockSize(),
                StackPlan.LOW_WATER_BLOCKS, save.thinpoolDev().featureArgs().orElseThrow()));
        for (String record : List.of("192840e7519b4af9a088de78ebaa2401", "d3987c4ad45443688092f1b8039af345",
                "ec03fd99513e441194f5f4408c36ed05")) {
            FilesystemSave fs = Json.read(Fixtures.text("p1/mdv/" + record + ".json").getBytes(StandardCharsets.UTF_8),
                    FilesystemSave.class);
            planned.add(StackPlan.thin(names, fs.uuid(), fs.size(), fs.thinId()));
        }

        assertThat(planned.stream().map(PlannedDevice::name)).containsExactlyInAnyOrderElementsOf(upstream.keySet());
        for (PlannedDevice d : planned) {
            List<TargetLine> ours = d.table(numbers);
            assertThat(StackExecutor.matches(ours, upstream.get(d.name()))).as("%s: %s vs %s", d.name(), ours, upstream.get(d.name()))
                    .isTrue();
            if (!d.name().endsWith("-thinpool-pool")) {
                assertThat(ours).as(d.name()).isEqualTo(upstream.get(d.name()));
            }
        }
        // The kernel prints a thin pool's features in its own order; the set is upstream's.
        String thinpool = upstream.get(names.thinpool()).getFirst().params();
        assertThat(thinpool).startsWith(numbers.get(names.thinmeta()) + " " + numbers.get(names.thindata()) + " 2048 15360 3 ");
        assertThat(Set.of(thinpool.strip().split(" ")).containsAll(save.thinpoolDev().featureArgs().orElseThrow())).isTrue();
    }

    /**
     * p1 after upstream's {@code InitCache} (step c): V1 with a cache tier on loop2, planned from
     * p1's newest metadata, is upstream's tables: metasub and cachesub over loop2, {@code
     * physical-cache} as dm-cache over originsub, the flex devices on it.
     */
    @Test
    void upstreamsPoolOneWithItsCacheIsPlannedIntoTheTablesUpstreamLoaded() throws Exception {
        PoolSave save = PoolSaveCodec.parse(Fixtures.text("p1/loop0-first16MiB.mda.json").getBytes(StandardCharsets.UTF_8));
        DmNames names = new DmNames(P1);
        Map<String, DevNum> numbers = numbers(Fixtures.text("p1/dm/p1-c-final-dmsetup-info-c.txt"));
        Map<String, List<TargetLine>> upstream = tables(Fixtures.text("p1/dm/p1-c-final-dmsetup-table.txt"));
        assertThat(save.backstore().cacheTier()).isPresent();

        List<PlannedDevice> planned = new ArrayList<>(StackPlan.backstore(names, 1, save.backstore().dataTier().blockdev().allocs()
                .getFirst(), save.backstore().cacheTier(), Map.of(UUID.fromString("96347799-d2f8-45b6-adeb-205489d85571"),
                new DevNum(7, 0), UUID.fromString("2b6b710c-4ae1-478d-8f82-879ed7004ef2"), new DevNum(7, 1),
                UUID.fromString("1814ae3d-7f53-4534-a83d-bcdce64d7ee3"), new DevNum(7, 2))));
        assertThat(planned.stream().map(PlannedDevice::name)).containsExactly(names.originsub(), names.metasub(), names.cachesub(),
                names.cache());
        planned.addAll(StackPlan.flexForSetup(names, names.cache(), save.flexDevs()));
        for (PlannedDevice d : planned) {
            assertThat(d.table(numbers)).as(d.name()).isEqualTo(upstream.get(d.name()));
        }
        // The kernel echoes the policy as given; a live table naming the policy it chose still matches.
        List<TargetLine> cache = upstream.get(names.cache());
        List<TargetLine> smq = List.of(new TargetLine(0, cache.getFirst().length(), "cache",
                cache.getFirst().params().replace(" default 0", " smq 0")));
        assertThat(StackExecutor.matches(cache, smq)).isTrue();
        List<TargetLine> otherOrigin = List.of(new TargetLine(0, cache.getFirst().length(), "cache",
                cache.getFirst().params().replace(" 253:0 ", " 253:7 ")));
        assertThat(StackExecutor.matches(cache, otherOrigin)).isFalse();
    }

    /** p1 set up from disk (step f): its low-water mark at set-up is its whole data device, 3567 blocks, as upstream's table shows. */
    @Test
    void aPoolSetUpFromItsMetadataHasItsWholeDataDeviceAsLowWaterMark() {
        Map<String, List<TargetLine>> upstream = tables(Fixtures.text("p1/dm/p1-f-restart-from-disk-dmsetup-table.txt"));
        String line = upstream.get(new DmNames(P1).thinpool()).getFirst().params();
        assertThat(line.split(" ")[3]).isEqualTo(Long.toString(StackPlan.lowWaterAtSetup(7305216, 2048)));
        assertThat(StackPlan.lowWaterAtSetup(7305216, 2048)).isEqualTo(3567);
    }

    /** The spec's example A: 3.9.2 on two 10 GiB devices (also checked on the kernel by PoolLifecycleInVm). */
    @Test
    void aNewVersionTwoPoolOnTwoTenGibibyteDevicesIsTheSpecsExampleA() throws Exception {
        Blockdev a = Blockdev.initialise(UUID.fromString("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0"), Path.of("/dev/null"),
                new DevNum(7, 0), 0, 20971520, Optional.of(Integrity.DEFAULT));
        Blockdev b = Blockdev.initialise(UUID.fromString("5b0c1d2e-3f40-4a5b-9c6d-7e8f90a1b2c3"), Path.of("/dev/null"),
                new DevNum(7, 1), 0, 20971520, Optional.of(Integrity.DEFAULT));
        PoolSave layout = InitialLayout.v2("pool1", List.of(a, b), Integrity.DEFAULT, new ThinMetadataSizeTool("thin_metadata_size"));
        DmNames names = new DmNames(UUID.fromString("4c3d2e1f-0a9b-4c8d-9e7f-6a5b4c3d2e1f"));
        Map<String, DevNum> numbers = new HashMap<>();
        List<PlannedDevice> planned = new ArrayList<>(StackPlan.backstore(names, 2, layout.backstore().dataTier().blockdev().allocs()
                .getFirst(), Map.of(a.uuid(), a.devNum(), b.uuid(), b.devNum())));
        planned.add(StackPlan.flex(names.thinmeta(), names.cache(), layout.flexDevs().thinMetaDev()));
        planned.add(StackPlan.flex(names.thindata(), names.cache(), layout.flexDevs().thinDataDev()));
        planned.add(StackPlan.flex(names.mdv(), names.cache(), layout.flexDevs().metaDev()));
        long data = PoolSave.sum(layout.flexDevs().thinDataDev());
        planned.add(StackPlan.thinpool(names, data, 2048, StackPlan.lowWaterAtCreation(data, 2048),
                List.of("skip_block_zeroing", "no_discard_passdown")));
        Map<String, String> tables = new LinkedHashMap<>();
        int minor = 0;
        for (PlannedDevice d : planned) {
            tables.put(d.name(), String.join("\n", d.table(numbers).stream().map(l -> l.start() + " " + l.length() + " " + l.type()
                    + " " + l.params()).toList()));
            numbers.put(d.name(), new DevNum(253, minor++));
        }
        String p = "stratis-1-private-4c3d2e1f0a9b4c8d9e7f6a5b4c3d2e1f-";
        assertThat(tables).containsExactly(
                Map.entry(p + "physical-originsub", "0 20373496 linear 7:0 8192\n20373496 20371464 linear 7:1 8192"),
                Map.entry(p + "physical-cache", "0 40744960 linear 253:0 0"),
                Map.entry(p + "flex-thinmeta", "0 18432 linear 253:1 34816"),
                Map.entry(p + "flex-thindata", "0 39624704 linear 253:1 71680"),
                Map.entry(p + "flex-mdv", "0 1048576 linear 253:1 39696384"),
                Map.entry(p + "thinpool-pool", "0 39624704 thin-pool 253:2 253:3 2048 9674 2 skip_block_zeroing no_discard_passdown"));
    }

    @Test
    void lowWaterMarksAtCreationAreFifteenGibibytesOrHalfTheDataDevice() {
        assertThat(StackPlan.lowWaterAtCreation(19263488, 2048)).as("1 x 10 GiB").isEqualTo(4703);
        assertThat(StackPlan.lowWaterAtCreation(39624704, 2048)).as("2 x 10 GiB").isEqualTo(9674);
        assertThat(StackPlan.lowWaterAtCreation(104857600, 2048)).as("50 GiB").isEqualTo(StackPlan.LOW_WATER_BLOCKS);
    }

    @Test
    void namesAreUpstreamsAndFilesystemsAreNotPrivate() {
        DmNames names = new DmNames(P1);
        String p = "stratis-1-private-d738f9db9ae34b4c968faedcb51943b1-";
        assertThat(List.of(names.originsub(), names.cache(), names.thinmeta(), names.thindata(), names.mdv(), names.thinmetaspare(),
                names.thinpool())).containsExactly(p + "physical-originsub", p + "physical-cache", p + "flex-thinmeta",
                p + "flex-thindata", p + "flex-mdv", p + "flex-thinmetaspare", p + "thinpool-pool");
        assertThat(names.filesystem(UUID.fromString("d3987c4a-d454-4368-8092-f1b8039af345")))
                .isEqualTo("stratis-1-d738f9db9ae34b4c968faedcb51943b1-thin-fs-d3987c4ad45443688092f1b8039af345");
    }

    /** The names in the synthetic uevent: RFC 4648 base32 without padding (its test vectors), of the UTF-8 bytes. */
    @Test
    void uEventNamesAreBase32WithoutPadding() {
        assertThat(List.of("", "f", "fo", "foo", "foob", "fooba", "foobar").stream().map(Uevents::base32))
                .containsExactly("", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI");
        assertThat(Uevents.base32("päl")).isEqualTo("ODB2I3A");
    }

    /** `dmsetup info -c` output: name to major:minor. */
    private static Map<String, DevNum> numbers(String text) {
        Map<String, DevNum> out = new HashMap<>();
        text.lines().filter(l -> l.startsWith("stratis-")).forEach(l -> {
            String[] f = l.trim().split("\\s+");
            out.put(f[0], new DevNum(Integer.parseInt(f[2]), Integer.parseInt(f[3])));
        });
        return out;
    }

    /** `dmsetup table` output: name to its lines. */
    private static Map<String, List<TargetLine>> tables(String text) {
        Map<String, List<TargetLine>> out = new LinkedHashMap<>();
        text.lines().filter(l -> l.startsWith("stratis-")).forEach(l -> {
            int colon = l.indexOf(": ");
            String[] f = l.substring(colon + 2).strip().split(" ", 4);
            out.computeIfAbsent(l.substring(0, colon), k -> new ArrayList<>())
                    .add(new TargetLine(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], f[3]));
        });
        return out;
    }
}
