package org.storage.stratisd.engine.strat.crypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storage.stratisd.engine.EncryptionRequest;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.strat.keys.StratKeys;
import org.storage.stratisd.engine.strat.sys.Tools;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.TokenBinding;
import org.storage.stratisd.testsupport.MemoryKeyring;

/**
 * {@link PoolCrypt} against a stand-in {@code cryptsetup} that records its arguments and its
 * standard input: upstream's V2 header parameters, the key only ever on standard input, the token
 * chosen from the header, and the refusals that run nothing. The real program on a real kernel is
 * {@code EncryptionInVm}'s.
 */
class PoolCryptTest {

    private static final byte[] KEY = "pool-crypt-secret".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private MemoryKeyring ring;
    private PoolCrypt crypt;

    @BeforeEach
    void standInCryptsetup() throws IOException {
        Path script = dir.resolve("cryptsetup");
        // Each run appends its arguments (one line) and saves its input as in-<n>; it fails with
        // status 2 and cryptsetup's message when the file "fail" exists and its text (a pattern)
        // matches the arguments (an empty file matches every run).
        Files.writeString(script, String.join("\n",
                "#!/bin/sh",
                "d=$(dirname \"$0\")",
                "n=$(wc -l < \"$d/args\" 2>/dev/null || echo 0)",
                "cat > \"$d/in-$n\"",
                "echo \"$*\" >> \"$d/args\"",
                "if [ -e \"$d/fail\" ] && echo \"$*\" | grep -q -- \"$(cat \"$d/fail\")\"; then",
                "  echo 'No key available with this passphrase.'; exit 2",
                "fi",
                ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        ring = new MemoryKeyring();
        StratKeys keys = new StratKeys(ring);
        crypt = new PoolCrypt(new Tools(name -> dir.resolve(name)), keys);
    }

    @Test
    void formatWritesUpstreamsV2HeaderAndAKeyringTokenWithTheKeyOnlyOnStandardInput() throws Exception {
        setKey("k1");
        Path cap = dir.resolve("cap");
        crypt.format(cap, "k1", 0);
        assertThat(args()).containsExactly(
                "luksFormat --batch-mode --type luks2 --cipher aes-xts-plain64 --key-size 512 --luks2-metadata-size 64k"
                        + " --luks2-keyslots-size 16352k --offset 34816 --key-slot 0 --key-file - " + cap,
                "token add --token-id 0 --key-description stratis-1-key-k1 --key-slot 0 " + cap);
        assertThat(Files.readAllBytes(dir.resolve("in-0"))).isEqualTo(KEY);
        assertThat(Files.readAllBytes(dir.resolve("in-1"))).isEmpty();
    }

    @Test
    void formatWithoutTheKeyRunsNothing() {
        assertThatThrownBy(() -> crypt.format(dir.resolve("cap"), "absent", 0)).isInstanceOf(EngineException.class)
                .hasMessage("Key with key description absent not found in kernel keyring");
        assertThat(dir.resolve("args")).doesNotExist();
    }

    @Test
    void openTriesTheHeadersKeyringTokensInSlotOrderSkippingAbsentKeys() throws Exception {
        setKey("k2");
        Path cap = header("{\"tokens\":{\"3\":{\"type\":\"luks2-keyring\",\"keyslots\":[\"1\"],\"key_description\":\"stratis-1-key-k2\"},"
                + "\"1\":{\"type\":\"luks2-keyring\",\"keyslots\":[\"0\"],\"key_description\":\"stratis-1-key-k1\"},"
                + "\"2\":{\"type\":\"luks2-keyring\",\"keyslots\":[\"2\"],\"key_description\":\"other-prefix\"}}}");
        crypt.open(cap, "stratis-1-private-p-crypt", keyring(Optional.empty()));
        assertThat(args()).containsExactly("open --type luks2 --key-file - " + cap + " stratis-1-private-p-crypt");
        assertThat(Files.readAllBytes(dir.resolve("in-0"))).isEqualTo(KEY);
        TreeMap<Long, TokenBinding> expected = new TreeMap<>();
        expected.put(1L, new TokenBinding.Key("k1"));
        expected.put(3L, new TokenBinding.Key("k2"));
        assertThat(crypt.bindings(cap, 0)).contains(new Encryption(expected));
    }

    @Test
    void openFailsWithUpstreamsMessageWhenTheKeyIsAbsentAndWithCryptsetupsWhenItIsWrong() throws Exception {
        Path cap = header("{\"tokens\":{\"0\":{\"type\":\"luks2-keyring\",\"keyslots\":[\"0\"],\"key_description\":\"stratis-1-key-k1\"}}}");
        assertThatThrownBy(() -> crypt.open(cap, "c", keyring(Optional.empty())))
                .hasMessageContaining("The key description \"k1\" is not currently set.");
        assertThat(dir.resolve("args")).doesNotExist();
        assertThatThrownBy(() -> crypt.open(cap, "c", keyring(Optional.of(4L))))
                .hasMessage("Token slot 4 of " + cap + " holds no key description binding");

        setKey("k1");
        Files.createFile(dir.resolve("fail"));
        assertThatThrownBy(() -> crypt.open(cap, "c", keyring(Optional.of(0L))))
                .hasMessageStartingWith("Cannot open the crypt device c on " + cap + ": key description k1: ")
                .hasMessageContaining("No key available with this passphrase.")
                .hasMessageNotContaining(new String(KEY, StandardCharsets.US_ASCII));
    }

    @Test
    void aDeviceWithoutLuksMagicHasNoBindingsAndOneAtAnOffsetIsFound() throws Exception {
        Path plain = dir.resolve("plain");
        Files.write(plain, new byte[1 << 17]);
        assertThat(crypt.bindings(plain, 0)).isEmpty();
        Path cap = header("{\"tokens\":{\"0\":{\"type\":\"luks2-keyring\",\"keyslots\":[\"0\"],\"key_description\":\"stratis-1-key-k1\"}}}");
        Path shifted = dir.resolve("shifted");
        byte[] bytes = new byte[8192 * 512 + (1 << 17)];
        System.arraycopy(Files.readAllBytes(cap), 0, bytes, 8192 * 512, 1 << 17);
        Files.write(shifted, bytes);
        assertThat(crypt.bindings(shifted, 8192L * 512).orElseThrow().slots()).containsOnlyKeys(0L);
    }

    @Test
    void resizeUsesTheFirstBoundKeyInTheKeyring() throws Exception {
        setKey("k2");
        TreeMap<Long, TokenBinding> slots = new TreeMap<>();
        slots.put(0L, new TokenBinding.Key("k1"));
        slots.put(1L, new TokenBinding.Key("k2"));
        crypt.resize("c", 1000, new Encryption(slots));
        assertThat(args()).containsExactly("resize --size 1000 --key-file - c");
        assertThat(Files.readAllBytes(dir.resolve("in-0"))).isEqualTo(KEY);
        assertThatThrownBy(() -> crypt.resize("c", 1000, new Encryption(new TreeMap<>())))
                .hasMessageContaining("the pool has no key description binding");
    }

    @Test
    void aNewPoolBindsOneKeyDescriptionInSlotZeroOrTheSlotNamedAndRefusesWhatThisBuildDoesNotDo() throws Exception {
        TokenBinding.Key k1 = new TokenBinding.Key("k1");
        assertThat(PoolCrypt.KeyBinding.of("p", EncryptionRequest.NONE)).isEmpty();
        assertThat(PoolCrypt.KeyBinding.of("p", new EncryptionRequest(List.of(new EncryptionRequest.Requested(Optional.empty(), k1)))))
                .contains(new PoolCrypt.KeyBinding("k1", 0));
        assertThat(PoolCrypt.KeyBinding.of("p", new EncryptionRequest(List.of(new EncryptionRequest.Requested(Optional.of(7L), k1)))))
                .contains(new PoolCrypt.KeyBinding("k1", 7));
        assertThatThrownBy(() -> PoolCrypt.KeyBinding.of("p", new EncryptionRequest(List.of(
                new EncryptionRequest.Requested(Optional.of(15L), k1))))).hasMessageStartingWith("Token slot 15 is out of range");
        assertThatThrownBy(() -> PoolCrypt.KeyBinding.of("p", new EncryptionRequest(List.of(new EncryptionRequest.Requested(
                Optional.empty(), new TokenBinding.Clevis("tang", "{}")))))).hasMessageContaining("does not implement Clevis yet");
        assertThatThrownBy(() -> PoolCrypt.KeyBinding.of("p", new EncryptionRequest(List.of(
                new EncryptionRequest.Requested(Optional.empty(), k1),
                new EncryptionRequest.Requested(Optional.empty(), new TokenBinding.Key("k2"))))))
                .hasMessageContaining("with 2 key descriptions");
    }

    @Test
    void aPassphraseGivenOpensOnTheNamedTokensKeyslotOrOnAny() throws Exception {
        Path cap = header("{\"tokens\":{\"2\":{\"type\":\"luks2-keyring\",\"keyslots\":[\"5\"],\"key_description\":\"stratis-1-key-k1\"}}}");
        byte[] passphrase = "typed-passphrase".getBytes(StandardCharsets.US_ASCII);
        crypt.open(cap, "c", new Unlock(Optional.of(2L), Optional.of(passphrase)));
        crypt.open(cap, "c", new Unlock(Optional.empty(), Optional.of(passphrase)));
        assertThat(args()).containsExactly("open --type luks2 --key-file - --key-slot 5 " + cap + " c",
                "open --type luks2 --key-file - " + cap + " c");
        assertThat(Files.readAllBytes(dir.resolve("in-0"))).isEqualTo(passphrase);
        assertThat(Files.readAllBytes(dir.resolve("in-1"))).isEqualTo(passphrase);
        assertThatThrownBy(() -> crypt.open(cap, "c", new Unlock(Optional.of(3L), Optional.of(passphrase))))
                .hasMessage("Token slot 3 of " + cap + " holds no token with a keyslot");
    }

    private static final String ONE_BINDING = "{\"keyslots\":{\"0\":{\"type\":\"luks2\"}},\"tokens\":{\"0\":{\"type\":"
            + "\"luks2-keyring\",\"keyslots\":[\"0\"],\"key_description\":\"stratis-1-key-k1\"}}}";

    @Test
    void bindAddsAKeyslotThroughAPresentKeyringTokenThenTheToken() throws Exception {
        setKey("k1");
        ring.add(StratKeys.PREFIX + "k2", "second".getBytes(StandardCharsets.US_ASCII));
        Path cap = header(ONE_BINDING);
        crypt.bind(cap, 1, "k2");
        assertThat(args()).containsExactly(
                "luksAddKey --batch-mode --token-only --token-id 0 --new-key-slot 1 --new-keyfile - " + cap,
                "token add --token-id 1 --key-description stratis-1-key-k2 --key-slot 1 " + cap);
        assertThat(Files.readAllBytes(dir.resolve("in-0"))).isEqualTo("second".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aBindWhoseTokenCannotBeAddedDestroysTheNewKeyslotAgain() throws Exception {
        setKey("k1");
        ring.add(StratKeys.PREFIX + "k2", "second".getBytes(StandardCharsets.US_ASCII));
        Path cap = header(ONE_BINDING);
        Files.writeString(dir.resolve("fail"), "token add");
        assertThatThrownBy(() -> crypt.bind(cap, 1, "k2")).hasMessageStartingWith("Cannot add the keyring token for k2");
        assertThat(args()).endsWith("luksKillSlot --batch-mode " + cap + " 1");
    }

    @Test
    void aBindNeedsTheNewKeyAndAPresentKeyOfAnExistingBinding() throws Exception {
        Path cap = header(ONE_BINDING);
        assertThatThrownBy(() -> crypt.bind(cap, 1, "k2")).hasMessage("Key with key description k2 not found in kernel keyring");
        ring.add(StratKeys.PREFIX + "k2", "second".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> crypt.bind(cap, 1, "k2")).hasMessageContaining("no key of its keyring bindings (k1) is in the kernel keyring");
        assertThat(dir.resolve("args")).doesNotExist();
    }

    @Test
    void unbindRemovesTheTokenThenItsKeyslotAndRebindSwapsTheKeyslotUnderTheSameToken() throws Exception {
        Path cap = header(ONE_BINDING);
        crypt.unbind(cap, 0);
        setKey("k1");
        ring.add(StratKeys.PREFIX + "k3", "third".getBytes(StandardCharsets.US_ASCII));
        crypt.rebind(cap, 0, "k3");
        assertThat(args()).containsExactly("token remove --token-id 0 " + cap, "luksKillSlot --batch-mode " + cap + " 0",
                "luksAddKey --batch-mode --token-only --token-id 0 --new-key-slot 1 --new-keyfile - " + cap,
                "token remove --token-id 0 " + cap,
                "token add --token-id 0 --key-description stratis-1-key-k3 --key-slot 1 " + cap,
                "luksKillSlot --batch-mode " + cap + " 0");
    }

    private static Unlock keyring(Optional<Long> slot) {
        return new Unlock(slot, Optional.empty());
    }

    private void setKey(String description) throws Exception {
        ring.add(StratKeys.PREFIX + description, KEY);
    }

    private List<String> args() throws IOException {
        return Files.readAllLines(dir.resolve("args"));
    }

    /** A file that starts with a LUKS2 binary header (64 KiB) whose JSON area holds the text. */
    private Path header(String json) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 17);
        b.put(new byte[] {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe});
        b.putShort(6, (short) 2);
        b.putLong(8, 65536);
        b.put(4096, json.getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("header-" + json.hashCode());
        Files.write(file, b.array());
        return file;
    }
}
