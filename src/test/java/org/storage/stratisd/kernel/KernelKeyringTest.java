package org.storage.stratisd.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.Actions.SetKeyAction;
import org.storage.stratisd.engine.strat.keys.KeyringException;
import org.storage.stratisd.engine.strat.keys.StratKeys;

/**
 * The kernel keyring adapter against this machine's kernel (keyrings need no device-mapper, so
 * this runs on the host). An independent observer, a few lines of Python calling {@code keyctl}
 * through ctypes, reads what the kernel holds; {@code /proc/keys} shows the permission mask. Every
 * key made here has a description unique to the run and is unlinked afterwards.
 */
class KernelKeyringTest {

    private static final String OBSERVER = """
            import ctypes, sys
            libc = ctypes.CDLL(None, use_errno=True)
            libc.syscall.restype = ctypes.c_long
            L = ctypes.c_long
            persistent = libc.syscall(250, 22, L(0), L(-3))
            key = libc.syscall(250, 10, L(persistent), b"user", sys.argv[1].encode(), L(0))
            if key < 0:
                print("absent")
            else:
                buf = ctypes.create_string_buffer(128)
                n = libc.syscall(250, 11, L(key), buf, L(128))
                print("%d %s" % (key, buf.raw[:n].hex()))
            """;

    private KernelKeyring keyring;
    private StratKeys keys;
    private String description;

    @BeforeEach
    void setUp() {
        keyring = new KernelKeyring();
        try {
            keyring.descriptions();
        } catch (KeyringException e) {
            assumeThat(e.errno()).as("keyctl is filtered on this machine: " + e.getMessage()).isNotIn(1, 38);
        }
        keys = new StratKeys(keyring);
        description = "stratisd-java-test-" + UUID.randomUUID();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (keys != null) {
            keys.unset(description);
        }
    }

    @Test
    void aKeyIsSetInRootsPersistentKeyringWithTheOwnerOnlyMask() throws Exception {
        byte[] secret = "a key of the kernel".getBytes(StandardCharsets.US_ASCII);
        assertThat(keys.set(description, secret)).isEqualTo(SetKeyAction.CREATED);
        String seen = observe();
        assertThat(seen).endsWith(" " + HexFormat.of().formatHex(secret));
        String serial = seen.split(" ")[0];
        String procLine = Files.readAllLines(Path.of("/proc/keys")).stream()
                .filter(l -> l.startsWith(String.format("%08x ", Integer.parseInt(serial)))).findFirst().orElseThrow();
        assertThat(procLine.split("\\s+")[4]).as("permissions in " + procLine).isEqualTo("003f0000");
        assertThat(procLine).contains("user").contains("stratis-1-key-" + description);
        assertThat(keys.list()).contains(description);
        assertThat(keys.present(description)).isTrue();
    }

    @Test
    void settingTheSameBytesIsIdentityAndOthersAChange() throws Exception {
        byte[] first = new byte[64];
        for (int i = 0; i < first.length; i++) {
            first[i] = (byte) (i * 7);
        }
        assertThat(keys.set(description, first)).isEqualTo(SetKeyAction.CREATED);
        assertThat(keys.set(description, first.clone())).isEqualTo(SetKeyAction.IDENTITY);
        byte[] second = {0, 1, 2, (byte) 0xff};
        assertThat(keys.set(description, second)).isEqualTo(SetKeyAction.VALUE_CHANGED);
        assertThat(observe()).endsWith(" 000102ff");
    }

    @Test
    void anUnsetKeyIsGoneAndASecondUnsetFindsNothing() throws Exception {
        keys.set(description, new byte[] {42});
        assertThat(keys.unset(description)).isTrue();
        assertThat(observe()).isEqualTo("absent");
        assertThat(keys.list()).doesNotContain(description);
        assertThat(keys.unset(description)).isFalse();
        assertThat(keys.present(description)).isFalse();
    }

    @Test
    void aDescriptionWithMultibyteCharactersRoundTrips() throws Exception {
        description = description + "-ключ-鍵";
        keys.set(description, new byte[] {1});
        assertThat(keys.list()).contains(description);
        assertThat(observe()).endsWith(" 01");
    }

    private String observe() throws IOException, InterruptedException {
        assumeThat(Platform.isIntel() && Platform.is64Bit()).as("the observer knows x86-64's keyctl number only").isTrue();
        Process p = new ProcessBuilder("python3", "-c", OBSERVER, "stratis-1-key-" + description).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
