package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.StratisCalls.noSlot;
import static org.storage.stratisd.testsupport.StratisCalls.noU64;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;
import static org.storage.stratisd.vm.PoolCalls.M9;
import static org.storage.stratisd.vm.PoolCalls.MANAGER;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * The real engine's keys in the guest kernel's keyring, over D-Bus (real-engine spec §6.4; D-Bus
 * spec §2.1.5): SetKey from a passed descriptor creates, keeps or changes the key
 * {@code stratis-1-key-<description>} in root's persistent keyring with the owner-only mask,
 * ListKeys lists it, UnsetKey unlinks it; a 65-byte key is refused; an encrypted CreatePool names
 * a key missing from the keyring; the key bytes appear neither in
 * the daemon's log nor in its reports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeysInVm {

    private static final String SECRET = "vm-secret-Zq8Xk2Lp";
    private static final String CHANGED = "vm-secret-Rm4Wd9Tc";
    private static final String DESCRIPTION = "vmkey";

    private static Path dir;
    private static RealDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        dir = Guest.scratch("keys");
        daemon = RealDaemon.start("keys");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, null);
        // Whatever a failed test left in the guest's keyring, removed without the daemon.
        new org.storage.stratisd.engine.strat.keys.StratKeys(new org.storage.stratisd.kernel.KernelKeyring()).unset(DESCRIPTION);
    }

    @Test
    @Order(1)
    void aKeySetFromADescriptorIsInRootsPersistentKeyring() throws Exception {
        StratisCalls.Result r = setKey(SECRET.getBytes(StandardCharsets.US_ASCII));
        assertThat(r.rc()).as(r.message()).isZero();
        assertThat(r.struct()).containsExactly(true, false);
        String line = procKeys("stratis-1-key-" + DESCRIPTION);
        assertThat(line.split("\\s+")[4]).as(line).isEqualTo("003f0000");
        assertThat(line.split("\\s+")[7]).as(line).isEqualTo("user");
        assertThat(listKeys()).contains(DESCRIPTION);
    }

    @Test
    @Order(2)
    void theSameBytesAreIdentityAndOtherBytesAChange() throws Exception {
        assertThat(setKey(SECRET.getBytes(StandardCharsets.US_ASCII)).ok().struct()).containsExactly(false, false);
        assertThat(setKey(CHANGED.getBytes(StandardCharsets.US_ASCII)).ok().struct()).containsExactly(true, true);
    }

    @Test
    @Order(3)
    void aKeyOfSixtyFiveBytesIsRefusedAndTheKeyStaysAsItWas() throws Exception {
        byte[] tooLong = new byte[65];
        Arrays.fill(tooLong, (byte) 'x');
        StratisCalls.Result r = setKey(tooLong);
        assertThat(r.rc()).isNotZero();
        assertThat(r.message()).isEqualTo("Provided key exceeded maximum allow length of 64 bytes");
        assertThat(setKey(CHANGED.getBytes(StandardCharsets.US_ASCII)).ok().struct()).containsExactly(false, false);
    }

    @Test
    @Order(4)
    void anEncryptedPoolNeedsItsKeyInTheKeyringFirst() throws Exception {
        StratisCalls.Result missing = createEncrypted("no-such-key");
        assertThat(missing.rc()).isNotZero();
        assertThat(missing.message()).isEqualTo("Key with key description no-such-key not found in kernel keyring");
        // With the key present the request goes on to the devices (EncryptionInVm creates one).
        StratisCalls.Result refused = createEncrypted(DESCRIPTION);
        assertThat(refused.rc()).isNotZero();
        assertThat(refused.message()).contains("/dev/nonexistent");
    }

    @Test
    @Order(5)
    void unsetKeyUnlinksItAndASecondUnsetFindsNothing() throws Exception {
        assertThat(daemon.calls().call(MANAGER, M9, "UnsetKey", "s", DESCRIPTION).ok().payload()).isEqualTo(true);
        assertThat(listKeys()).doesNotContain(DESCRIPTION);
        assertThat(daemon.calls().call(MANAGER, M9, "UnsetKey", "s", DESCRIPTION).ok().payload()).isEqualTo(false);
    }

    @Test
    @Order(6)
    void theKeyBytesAreInNoLogAndNoReport() throws Exception {
        String report = (String) daemon.calls().call(MANAGER, M9, "EngineStateReport", "").ok().payload();
        daemon.stop();
        String log = daemon.process().log();
        assertThat(log).contains("Started StratisdApplication");
        for (String secret : List.of(SECRET, CHANGED)) {
            assertThat(log).doesNotContain(secret);
            assertThat(report).doesNotContain(secret);
        }
    }

    private static StratisCalls.Result createEncrypted(String key) throws Exception {
        return daemon.calls().call(MANAGER, M9, "CreatePool", PoolCalls.CREATE_POOL, "locked", List.of("/dev/nonexistent"),
                one(s(noSlot(), key)), List.of(), noU64(), s(false, ""), s(false, false));
    }

    private static List<Object> listKeys() throws Exception {
        return new java.util.ArrayList<>((List<?>) daemon.calls().call(MANAGER, M9, "ListKeys", "").ok().payload());
    }

    private static StratisCalls.Result setKey(byte[] key) throws Exception {
        return daemon.pools().setKey(dir, DESCRIPTION, key);
    }

    private static String procKeys(String description) throws Exception {
        // serial flags usage expiry perm uid gid type "description:" summary
        return Files.readAllLines(Path.of("/proc/keys")).stream().filter(l -> {
            String[] fields = l.split("\\s+");
            return fields.length > 8 && fields[8].equals(description + ":");
        }).findFirst().orElseThrow(() -> new AssertionError(description + " not in /proc/keys"));
    }
}
