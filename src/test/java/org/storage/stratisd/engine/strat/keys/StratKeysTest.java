package org.storage.stratisd.engine.strat.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.Actions.SetKeyAction;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.testsupport.MemoryKeyring;

/** The rules of Stratis keys over a keyring that keeps its keys in memory, as the kernel would. */
class StratKeysTest {

    private static final byte[] SECRET = "correct horse battery".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aKeyIsCreatedThenFoundIdenticalThenChanged() throws Exception {
        MemoryKeyring ring = new MemoryKeyring();
        StratKeys keys = new StratKeys(ring);
        assertThat(keys.set("k1", SECRET)).isEqualTo(SetKeyAction.CREATED);
        assertThat(ring.payload("stratis-1-key-k1")).isEqualTo(SECRET);
        assertThat(keys.set("k1", SECRET.clone())).isEqualTo(SetKeyAction.IDENTITY);
        assertThat(ring.updates.get()).isZero();
        assertThat(keys.set("k1", "other".getBytes(StandardCharsets.US_ASCII))).isEqualTo(SetKeyAction.VALUE_CHANGED);
        assertThat(ring.payload("stratis-1-key-k1")).isEqualTo("other".getBytes(StandardCharsets.US_ASCII));
        assertThat(keys.present("k1")).isTrue();
        assertThat(keys.present("k2")).isFalse();
    }

    @Test
    void aKeyThatIsAPrefixOfTheStoredOneIsAChange() throws Exception {
        MemoryKeyring ring = new MemoryKeyring();
        StratKeys keys = new StratKeys(ring);
        keys.set("k", "abcdef".getBytes(StandardCharsets.US_ASCII));
        assertThat(keys.set("k", "abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(SetKeyAction.VALUE_CHANGED);
        assertThat(keys.set("k", "abcdef".getBytes(StandardCharsets.US_ASCII))).isEqualTo(SetKeyAction.VALUE_CHANGED);
    }

    @Test
    void sixtyFourBytesAreAcceptedSixtyFiveAndNoneAreNot() throws Exception {
        StratKeys keys = new StratKeys(new MemoryKeyring());
        assertThat(keys.set("max", new byte[64])).isEqualTo(SetKeyAction.CREATED);
        assertThatThrownBy(() -> keys.set("long", new byte[65])).isInstanceOf(EngineException.class)
                .hasMessage("Provided key exceeded maximum allow length of 64 bytes");
        assertThatThrownBy(() -> keys.set("empty", new byte[0])).isInstanceOf(EngineException.class)
                .hasMessage("Cannot set key empty: the kernel keyring holds no empty keys");
        assertThat(keys.list()).containsExactly("max");
    }

    @Test
    void unsetRemovesOnlyWhatIsThere() throws Exception {
        MemoryKeyring ring = new MemoryKeyring();
        StratKeys keys = new StratKeys(ring);
        keys.set("k1", SECRET);
        assertThat(keys.unset("k1")).isTrue();
        assertThat(keys.unset("k1")).isFalse();
        assertThat(ring.keys).isEmpty();
    }

    @Test
    void theListHoldsStratisKeysWithoutThePrefixSorted() throws Exception {
        MemoryKeyring ring = new MemoryKeyring();
        ring.add("stratis-1-key-zeta", SECRET);
        ring.add("cryptsetup:luks-1234", SECRET);
        ring.add("stratis-1-key-", SECRET);
        ring.add("stratis-1-key-alpha", SECRET);
        ring.add("stratis-1-key-a;b", SECRET);
        assertThat(new StratKeys(ring).list()).containsExactly("a;b", "alpha", "zeta");
    }

    @Test
    void aRefusalByTheKernelIsTheEnginesErrorAndCarriesNoKeyBytes() {
        MemoryKeyring ring = new MemoryKeyring();
        ring.refuse = "kernel keyring: add_key of stratis-1-key-k1 failed: Disk quota exceeded (errno 122)";
        StratKeys keys = new StratKeys(ring);
        assertThatThrownBy(() -> keys.set("k1", SECRET)).isInstanceOf(EngineException.class)
                .hasMessage(ring.refuse)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(new String(SECRET, StandardCharsets.US_ASCII)));
        assertThat(ring.keys).isEmpty();
    }

    /**
     * Many callers set the same new key at once: exactly one of them creates it, every other finds
     * it (identical or changed), and the keyring ends with one key holding one caller's bytes.
     */
    @RepeatedTest(20)
    void concurrentSetsOfOneKeyCreateItOnce() throws Exception {
        MemoryKeyring ring = new MemoryKeyring();
        StratKeys keys = new StratKeys(ring);
        int threads = 16;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<SetKeyAction>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte[] value = {(byte) (t % 2 + 1)};
                results.add(pool.submit(() -> {
                    go.await();
                    List<SetKeyAction> mine = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        mine.add(keys.set("shared", value));
                    }
                    return mine;
                }));
            }
            go.countDown();
            List<SetKeyAction> all = new ArrayList<>();
            for (Future<List<SetKeyAction>> r : results) {
                all.addAll(r.get());
            }
            assertThat(all).filteredOn(a -> a == SetKeyAction.CREATED).hasSize(1);
            assertThat(all.stream().filter(a -> a == SetKeyAction.VALUE_CHANGED).count()).isEqualTo(ring.updates.get());
            assertThat(ring.adds.get()).isEqualTo(1);
            assertThat(ring.keys).containsOnlyKeys("stratis-1-key-shared");
        } finally {
            pool.shutdownNow();
        }
    }
}
