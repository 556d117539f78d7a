package org.storage.stratisd.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.CreatePoolAction;
import org.storage.stratisd.engine.CreatePoolRequest;
import org.storage.stratisd.engine.DestroyPoolAction;
import org.storage.stratisd.engine.EncryptionRequest;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.PoolView;
import org.storage.stratisd.engine.view.Tier;
import org.storage.stratisd.engine.view.TokenBinding;

class SimEngineTest {

    private final SimEngine engine = new SimEngine(
            Clock.fixed(Instant.parse("2026-07-16T19:56:12.345Z"), ZoneOffset.UTC), Duration.ZERO);

    private static CreatePoolRequest request(String name, String... devices) {
        return CreatePoolRequest.plain(name, List.of(devices));
    }

    private static CreatePoolRequest withJournal(String name, List<String> devices, EncryptionRequest encryption, long journal) {
        return new CreatePoolRequest(name, devices, encryption, Optional.of(journal), Optional.empty(), Optional.empty());
    }

    private static EncryptionRequest keyK1() {
        return new EncryptionRequest(List.of(new EncryptionRequest.Requested(Optional.empty(), new TokenBinding.Key("k1"))));
    }

    private PoolView created(CreatePoolRequest request) throws EngineException {
        return ((CreatePoolAction.Created) engine.createPool(request)).pool();
    }

    @Test
    void createsAPoolWithOneDeviceForEachDistinctPath() throws EngineException {
        PoolView pool = created(request("p1", "/dev/sdb", "/dev/sdc", "/dev/sdb"));

        assertThat(pool.name()).isEqualTo("p1");
        assertThat(pool.blockdevs()).extracting(BlockdevView::devnode).containsExactly("/dev/sdb", "/dev/sdc");
        assertThat(pool.blockdevs()).allSatisfy(dev -> {
            assertThat(dev.tier()).isEqualTo(Tier.DATA);
            assertThat(dev.totalPhysicalSize()).isEqualTo(BigInteger.valueOf(1073741824L));
            assertThat(dev.initializationTime()).isEqualTo(Instant.parse("2026-07-16T19:56:12Z").getEpochSecond());
        });
        assertThat(pool.totalPhysicalSize()).hasToString("590295810358705651712");
        assertThat(pool.allocatedSize()).hasToString("2684354560");
        assertThat(pool.fsLimit()).isEqualTo(10);
        assertThat(engine.pools()).containsExactly(pool);
    }

    @Test
    void sameNameAndSameDeviceSetIsIdentity() throws EngineException {
        created(request("p1", "/dev/sdb", "/dev/sdc"));

        assertThat(engine.createPool(request("p1", "/dev/sdc", "/dev/sdb", "/dev/sdc")))
                .isInstanceOf(CreatePoolAction.Identity.class);
        assertThat(engine.pools()).hasSize(1);
    }

    @Test
    void sameNameWithOtherDevicesNamesBothDifferences() throws EngineException {
        created(request("p1", "/dev/sdb"));

        assertThatThrownBy(() -> engine.createPool(request("p1", "/dev/sdc")))
                .hasMessage("There was a difference in the blockdevs associated with the existing pool named p1 and the input"
                        + " requesting creation of a pool by the same name - the input requests blockdev /dev/sdc which does"
                        + " not exist in the current pool - the existing pool contains blockdev /dev/sdb which was not"
                        + " requested by the input");
        assertThatThrownBy(() -> engine.createPool(request("p1", "/dev/sdb", "/dev/sdd", "/dev/sde")))
                .hasMessage("There was a difference in the blockdevs associated with the existing pool named p1 and the input"
                        + " requesting creation of a pool by the same name - the input requests blockdevs {/dev/sdd, /dev/sde}"
                        + " which do not exist in the current pool");
        assertThat(engine.pools()).singleElement().extracting(p -> p.blockdevs().size()).isEqualTo(1);
    }

    @Test
    void checksNameBeforePathsBeforeJournalBeforeKeysBeforeDevices() {
        assertThatThrownBy(() -> engine.createPool(request("", "sdb"))).hasMessage("Provided string is empty: ");
        assertThatThrownBy(() -> engine.createPool(withJournal("p", List.of("sdb"), EncryptionRequest.NONE, 100L)))
                .hasMessage("Paths{sdb} are not absolute");
        assertThatThrownBy(() -> engine.createPool(withJournal("p", List.of("/d"), keyK1(), 100L)))
                .hasMessage("specified integrity journal size 100 bytes is not a multiple of 4096");
        assertThatThrownBy(() -> engine.createPool(new CreatePoolRequest("p", List.of(), keyK1(),
                Optional.empty(), Optional.empty(), Optional.empty())))
                .hasMessage("Key k1 was not found in the keyring");
        assertThatThrownBy(() -> engine.createPool(request("p")))
                .hasMessage("At least one blockdev is required to create a pool.");
        assertThat(engine.pools()).isEmpty();
    }

    @Test
    void destroyRemovesThePoolOnceThenIsIdentity() throws EngineException {
        PoolView pool = created(request("p1", "/dev/sdb"));

        assertThat(engine.destroyPool(pool.uuid())).isEqualTo(new DestroyPoolAction.Deleted(pool.uuid()));
        assertThat(engine.destroyPool(pool.uuid())).isInstanceOf(DestroyPoolAction.Identity.class);
        assertThat(engine.pools()).isEmpty();
        assertThat(engine.destroyPool(UUID.randomUUID())).isInstanceOf(DestroyPoolAction.Identity.class);
    }

    @Test
    void operationDelayIsSpentOnEveryMutation() throws EngineException {
        SimEngine slow = new SimEngine(Clock.systemUTC(), Duration.ofMillis(50));
        long start = System.nanoTime();
        slow.createPool(request("p1", "/dev/sdb"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }
}
