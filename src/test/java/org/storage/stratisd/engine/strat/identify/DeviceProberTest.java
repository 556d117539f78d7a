package org.storage.stratisd.engine.strat.identify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.testsupport.ImageFiles;

/** Identification of image files: upstream's members, foreign content, damage, and udev's verdicts. */
class DeviceProberTest {

    private static final UUID P1 = UUID.fromString("d738f9db-9ae3-4b4c-968f-aedcb51943b1");

    @TempDir
    Path dir;

    private final DeviceProber prober = new DeviceProber(new BlkidSignatures("blkid"), Path.of("/sys"), Path.of("/proc"));

    private Path image(String name, byte[] start, long size) throws Exception {
        return ImageFiles.sparse(dir, name, start, size);
    }

    static Map<String, String> udev(String fixture) {
        Map<String, String> properties = new HashMap<>();
        for (String line : Fixtures.text(fixture).split("\n")) {
            if (line.startsWith("E: ")) {
                int eq = line.indexOf('=');
                properties.put(line.substring(3, eq), line.substring(eq + 1));
            }
        }
        return properties;
    }

    @Test
    void upstreamsDataAndCacheDevicesAreMembersOfP1() throws Exception {
        for (String loop : List.of("loop0", "loop1", "loop2")) {
            Path file = image(loop, Fixtures.dump("p1/" + loop + "-first16MiB.bin.gz"), 16 << 20);
            DeviceIdentity identity = prober.identify(file, Map.of(), false);
            assertThat(identity).isInstanceOf(DeviceIdentity.StratisMember.class);
            DeviceIdentity.StratisMember member = (DeviceIdentity.StratisMember) identity;
            assertThat(member.block().poolUuid()).isEqualTo(P1);
            assertThat(member.devnum()).isEmpty();
            assertThat(member.mda().newest().isPresent()).isEqualTo(!loop.equals("loop2"));
        }
    }

    @Test
    void upstreamsEncryptedDeviceIsALuksMemberWithItsTokenAndKey() throws Exception {
        Path file = image("luks", Fixtures.dump("p2/luks-first32KiB.bin.gz"), 32 << 20);
        DeviceIdentity identity = prober.identify(file, Map.of(), false);
        assertThat(identity).isInstanceOf(DeviceIdentity.LuksMember.class);
        DeviceIdentity.LuksMember member = (DeviceIdentity.LuksMember) identity;
        assertThat(member.token().poolUuid()).isEqualTo(UUID.fromString("93a23aa5-597d-49ce-9011-4e22880a3366"));
        assertThat(member.token().deviceUuid()).isEqualTo(UUID.fromString("cf221ca1-c3ca-4b63-8ecf-c1d98b560ae9"));
        assertThat(member.token().poolName()).contains("p2");
        assertThat(member.token().activationName()).isEqualTo("stratis-1-private-cf221ca1c3ca4b638ecfc1d98b560ae9-crypt");
        assertThat(member.keyDescriptions()).containsExactly("p2key");
        assertThat(member.clevis()).isFalse();
    }

    @Test
    void aLuksHeaderWhoseStratisTokenHasAnExtraKeyIsNotOurs() throws Exception {
        byte[] bytes = Fixtures.dump("p2/luks-first32KiB.bin.gz");
        byte[] changed = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("\"pool_name\":\"p2\"", "\"pool_nam2\":\"p2\"").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(changed).isNotEqualTo(bytes);
        Luks2Header header = Luks2Header.parse(changed);
        assertThat(header.stratisToken()).isEmpty();
        assertThat(prober.identify(image("luks2", changed, 32 << 20), Map.of(), false))
                .isInstanceOf(DeviceIdentity.OwnedElsewhere.class);
    }

    @Test
    void foreignContentIsOwnedElsewhereAndSaysWhat() throws Exception {
        Path ext4 = image("ext4", new byte[0], 64 << 20);
        Process mkfs = new ProcessBuilder("mkfs.ext4", "-q", "-F", ext4.toString()).inheritIO().start();
        assertThat(mkfs.waitFor()).isZero();
        assertThat(prober.identify(ext4, Map.of(), false))
                .isEqualTo(new DeviceIdentity.OwnedElsewhere(ext4, "contains a ext4 signature (filesystem)"));

        byte[] mbr = new byte[512];
        ByteBuffer b = ByteBuffer.wrap(mbr).order(ByteOrder.LITTLE_ENDIAN);
        mbr[446 + 4] = (byte) 0x83;
        b.putInt(446 + 8, 2048);
        b.putInt(446 + 12, 4096);
        mbr[510] = 0x55;
        mbr[511] = (byte) 0xaa;
        Path partitioned = image("mbr", mbr, 64 << 20);
        assertThat(prober.identify(partitioned, Map.of(), false))
                .isEqualTo(new DeviceIdentity.OwnedElsewhere(partitioned, "contains a dos partition table"));
    }

    @Test
    void blankIsUnownedAndMissingOrDamagedIsUnreadable() throws Exception {
        Path blank = image("blank", new byte[0], 64 << 20);
        assertThat(prober.identify(blank, Map.of(), false)).isEqualTo(new DeviceIdentity.Unowned(blank));

        Path missing = dir.resolve("nope");
        assertThat(prober.identify(missing, Map.of(), false)).isInstanceOf(DeviceIdentity.Unreadable.class);

        byte[] damaged = Fixtures.dump("p1/loop1-first16MiB.bin.gz");
        damaged[512 + 200] ^= 1;
        damaged[9 * 512 + 200] ^= 1;
        Path file = image("damaged", damaged, 16 << 20);
        DeviceIdentity identity = prober.identify(file, Map.of(), true);
        assertThat(identity).isInstanceOf(DeviceIdentity.Unreadable.class);
        assertThat(((DeviceIdentity.Unreadable) identity).reason()).contains(file.toString()).contains("header CRC invalid");
        assertThat(Arrays.copyOf(Files.readAllBytes(file), damaged.length)).as("nothing written").isEqualTo(damaged);
    }

    @Test
    void aBadCopyIsRepairedOnlyWhenAsked() throws Exception {
        byte[] original = Fixtures.dump("p1/loop1-first16MiB.bin.gz");
        byte[] damaged = original.clone();
        Arrays.fill(damaged, 9 * 512, 10 * 512, (byte) 0);
        Path file = image("one-bad", damaged, 16 << 20);

        assertThat(prober.identify(file, Map.of(), false)).isInstanceOf(DeviceIdentity.StratisMember.class);
        assertThat(Files.readAllBytes(file)).isEqualTo(damaged);
        assertThat(prober.identify(file, Map.of(), true)).isInstanceOf(DeviceIdentity.StratisMember.class);
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
    }

    @Test
    void udevPropertiesAsUpstreamCapturedThem() {
        assertThat(UdevClassifier.classify(udev("p1/udev-loop0.txt"))).isInstanceOf(UdevClassifier.Verdict.Stratis.class);
        assertThat(UdevClassifier.classify(udev("p2/udev-loop0.txt"))).isInstanceOf(UdevClassifier.Verdict.Luks.class);
        assertThat(UdevClassifier.classify(Map.of("DEVNAME", "/dev/sdb"))).isInstanceOf(UdevClassifier.Verdict.Unowned.class);
        assertThat(UdevClassifier.classify(Map.of("ID_PART_TABLE_TYPE", "gpt")))
                .isEqualTo(new UdevClassifier.Verdict.Owned("a gpt partition table"));
        assertThat(UdevClassifier.classify(Map.of("ID_PART_TABLE_TYPE", "gpt", "ID_PART_ENTRY_DISK", "8:0")))
                .isInstanceOf(UdevClassifier.Verdict.Unowned.class);
        assertThat(UdevClassifier.classify(Map.of("ID_FS_TYPE", "xfs", "ID_FS_USAGE", "filesystem")))
                .isEqualTo(new UdevClassifier.Verdict.Owned("a xfs signature (udev ID_FS_USAGE=filesystem)"));
        Map<String, String> multipath = new HashMap<>(udev("p1/udev-loop0.txt"));
        multipath.put("DM_MULTIPATH_DEVICE_PATH", "1");
        assertThat(UdevClassifier.classify(multipath)).isInstanceOf(UdevClassifier.Verdict.Multipath.class);
        assertThat(prober.identify(Path.of("/dev/does-not-matter"), multipath, false))
                .isInstanceOf(DeviceIdentity.MultipathMember.class);
    }
}
