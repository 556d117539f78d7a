package org.storage.stratisd.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.Actions.RenameAction;
import org.storage.stratisd.engine.Actions.SetKeyAction;
import org.storage.stratisd.engine.Actions.StartPoolAction;
import org.storage.stratisd.engine.Actions.StopPoolAction;
import org.storage.stratisd.engine.EngineException;
import org.storage.stratisd.engine.PoolId;
import org.storage.stratisd.engine.view.BlockdevView;
import org.storage.stratisd.engine.view.StoppedPoolView;
import org.storage.stratisd.engine.view.Tier;

class SimDevicesAndStatesTest {

    private final SimFixture sim = new SimFixture();

    @Test
    void dataDevicesAlreadyPresentAreSkippedAndCacheDevicesRefused() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/a");
        sim.engine.initCache(pool, List.of("/dev/c"), true);

        assertThat(sim.engine.addDataDevices(pool, List.of("/dev/a", "/dev/b", "/dev/b"))).extracting(BlockdevView::devnode)
                .containsExactly("/dev/b");
        assertThat(sim.engine.addDataDevices(pool, List.of())).isEmpty();
        assertThatThrownBy(() -> sim.engine.addDataDevices(pool, List.of("/dev/c")))
                .hasMessage("Devices /dev/c are already in use in the cache tier of pool with UUID " + pool + " and name p1");
        assertThatThrownBy(() -> sim.engine.addDataDevices(pool, List.of("x")))
                .hasMessage("Paths{x} are not absolute");
    }

    @Test
    void theCacheMustBeInitialisedOnceWithTheSameDevices() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/a");
        assertThatThrownBy(() -> sim.engine.addCacheDevices(pool, List.of("/dev/c")))
                .hasMessage("The cache has not been initialized; you must use init_cache first to initialize the cache.");
        assertThatThrownBy(() -> sim.engine.initCache(pool, List.of(), true))
                .hasMessage("At least one blockdev path is required to initialize a cache.");

        assertThat(sim.engine.initCache(pool, List.of("/dev/c", "/dev/d"), true)).extracting(BlockdevView::tier)
                .containsOnly(Tier.CACHE);
        assertThat(sim.engine.pool(pool).orElseThrow().hasCache()).isTrue();
        assertThat(sim.engine.initCache(pool, List.of("/dev/d", "/dev/c"), true)).isEmpty();
        assertThatThrownBy(() -> sim.engine.initCache(pool, List.of("/dev/c", "/dev/e"), true))
                .hasMessage("The input requests initialization of a cache with different block devices from the block devices"
                        + " in the existing cache; the existing cache contains the block device /dev/d which the input did not"
                        + " include; the input requested block device /dev/e which does not exist in the already initialized cache"
                        + " ; to resolve this error, the block devices requested in the input should be the same as the block"
                        + " devices in the existing cache.");
        assertThatThrownBy(() -> sim.engine.addCacheDevices(pool, List.of("/dev/a")))
                .hasMessage("Devices /dev/a are already in the data tier of pool with UUID " + pool + " and name p1");
        assertThat(sim.engine.addCacheDevices(pool, List.of("/dev/e"))).hasSize(1);
    }

    @Test
    void encryptedPoolsGetACacheOnlyThroughNewerRevisions() throws EngineException {
        UUID pool = sim.encryptedPool("enc", "k1");
        assertThatThrownBy(() -> sim.engine.initCache(pool, List.of("/dev/c"), false))
                .hasMessage("Use of a cache is not supported with an encrypted pool");
        assertThat(sim.engine.initCache(pool, List.of("/dev/c"), true)).hasSize(1);
    }

    @Test
    void userInfoIsValidatedLikeANameAndUnknownDevicesAreNoSource() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/a");
        UUID dev = sim.engine.pool(pool).orElseThrow().blockdevs().getFirst().uuid();

        assertThatThrownBy(() -> sim.engine.setUserInfo(pool, dev, Optional.of("a b")))
                .hasMessage("Provided string contains characters not allowed in udev symlinks: a b");
        assertThat(sim.engine.setUserInfo(pool, dev, Optional.of("label"))).isInstanceOf(RenameAction.Renamed.class);
        assertThat(sim.engine.setUserInfo(pool, dev, Optional.of("label"))).isInstanceOf(RenameAction.Identity.class);
        assertThat(sim.engine.setUserInfo(pool, UUID.randomUUID(), Optional.empty())).isInstanceOf(RenameAction.NoSource.class);
    }

    @Test
    void poolRenameRefusesNamesOfRunningPoolsAndInvalidNames() throws EngineException {
        UUID p1 = sim.pool("p1", "/dev/a");
        sim.pool("p2", "/dev/b");

        assertThatThrownBy(() -> sim.engine.renamePool(p1, "p2")).hasMessage("Entry with name p2 already exists");
        assertThatThrownBy(() -> sim.engine.renamePool(p1, "")).hasMessage("Provided string is empty: ");
        assertThat(sim.engine.renamePool(p1, "p1")).isInstanceOf(RenameAction.Identity.class);
        assertThat(sim.engine.renamePool(UUID.randomUUID(), "x")).isInstanceOf(RenameAction.NoSource.class);
        assertThat(sim.engine.renamePool(p1, "p3")).isInstanceOf(RenameAction.Renamed.class);
    }

    @Test
    void stoppingKeepsThePoolsWholeStateAndStartingBringsItBack() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/a");
        sim.filesystem(pool, "fs1");
        sim.engine.initCache(pool, List.of("/dev/c"), true);

        assertThat(sim.engine.stopPool(new PoolId.ByName("p1"))).isEqualTo(new StopPoolAction.Stopped(pool, false));
        assertThat(sim.engine.stopPool(new PoolId.ByUuid(pool))).isInstanceOf(StopPoolAction.Identity.class);
        assertThat(sim.engine.pools()).isEmpty();
        StoppedPoolView stopped = sim.engine.stoppedPools().getFirst();
        assertThat(stopped.name()).contains("p1");
        assertThat(stopped.devices()).extracting(BlockdevView::devnode).containsExactly("/dev/a", "/dev/c");

        StartPoolAction started = sim.engine.startPool(new PoolId.ByUuid(pool), Optional.empty(), Optional.empty(), true);

        assertThat(((StartPoolAction.Started) started).pool().filesystems()).hasSize(1);
        assertThat(((StartPoolAction.Started) started).pool().hasCache()).isFalse();
        assertThat(sim.engine.startPool(new PoolId.ByName("p1"), Optional.empty(), Optional.empty(), false))
                .isInstanceOf(StartPoolAction.Identity.class);
        assertThat(sim.engine.stoppedPools()).isEmpty();
    }

    @Test
    void startAndStopRefuseWhatDoesNotFit() throws EngineException {
        UUID plain = sim.pool("plain", "/dev/a");
        UUID enc = sim.encryptedPool("enc", "k1");
        sim.engine.stopPool(new PoolId.ByUuid(enc));

        assertThatThrownBy(() -> sim.engine.stopPool(new PoolId.ByName("nope")))
                .hasMessage("Pool with ID name nope was not found and cannot be stopped");
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> sim.engine.startPool(new PoolId.ByUuid(unknown), Optional.empty(), Optional.empty(), false))
                .hasMessage("Pool with UUID " + unknown + " was not found and cannot be started");
        assertThatThrownBy(() -> sim.engine.startPool(new PoolId.ByName("enc"), Optional.empty(), Optional.empty(), false))
                .hasMessage("Pool with UUID " + enc + " is encrypted but no unlock method was provided");
        assertThatThrownBy(() -> sim.engine.startPool(new PoolId.ByName("plain"), Optional.of(Optional.empty()), Optional.empty(), false))
                .hasMessage("Pool with UUID " + plain + " is not encrypted but an unlock method was provided");
        assertThatThrownBy(() -> sim.engine.startPool(new PoolId.ByName("plain"), Optional.empty(), Optional.of(new byte[] {1}), false))
                .hasMessage("Pool with UUID " + plain + " is not encrypted but a passphrase was provided");
        assertThat(sim.engine.stoppedPools()).extracting(StoppedPoolView::uuid).containsExactly(enc);
        assertThat(sim.engine.startPool(new PoolId.ByName("enc"), Optional.of(Optional.empty()), Optional.empty(), false))
                .isInstanceOf(StartPoolAction.Started.class);
    }

    @Test
    void aStoppedPoolIsNotStartedOverARunningPoolOfTheSameName() throws EngineException {
        UUID first = sim.pool("p", "/dev/a");
        sim.engine.stopPool(new PoolId.ByUuid(first));
        UUID second = sim.pool("p", "/dev/b");

        assertThatThrownBy(() -> sim.engine.startPool(new PoolId.ByUuid(first), Optional.empty(), Optional.empty(), false))
                .hasMessage("There is a pool name conflict. The devices currently being processed have been identified as"
                        + " belonging to the pool with UUID " + first + " and name p, but a pool with the same name and UUID "
                        + second + " is already active");
        assertThat(sim.engine.pools()).hasSize(1);
        assertThat(sim.engine.stoppedPools()).hasSize(1);
    }

    @Test
    void keysAreCreatedChangedOrIdenticalAndListedSorted() throws EngineException {
        assertThat(sim.engine.setKey("b", new byte[] {1})).isEqualTo(SetKeyAction.CREATED);
        assertThat(sim.engine.setKey("b", new byte[] {2})).isEqualTo(SetKeyAction.VALUE_CHANGED);
        assertThat(sim.engine.setKey("b", new byte[] {2})).isEqualTo(SetKeyAction.IDENTITY);
        assertThat(sim.engine.setKey("a", new byte[0])).isEqualTo(SetKeyAction.CREATED);
        assertThat(sim.engine.listKeys()).containsExactly("a", "b");
        assertThat(sim.engine.unsetKey("a")).isTrue();
        assertThat(sim.engine.unsetKey("a")).isFalse();
        assertThatThrownBy(() -> sim.engine.setKey("long", new byte[65]))
                .hasMessage("Provided key exceeded maximum allow length of 64 bytes");
    }

    @Test
    void reportsAndMetadataAreTheSpecsJson() throws EngineException {
        UUID pool = sim.pool("p1", "/dev/a");
        sim.filesystem(pool, "fs1");

        assertThat(sim.engine.poolMetadata(pool, true)).isEqualTo("{\"name\":\"p1\",\"fs_limit\":10,\"enable_overprov\":true,"
                + "\"integrity_spec\":{\"tag_spec\":\"512b\",\"journal_size\":262144,\"block_size\":4096,\"allocate_superblock\":true}}");
        assertThat(sim.engine.poolMetadata(pool, false)).startsWith("{\"name\":\"<name>\",");
        String fsMetadata = sim.engine.filesystemMetadata(pool, Optional.of("fs1"), true);
        assertThat(fsMetadata).contains("\"name\":\"fs1\"").contains("\"size\":2147483648").contains("\"created\":1784231772")
                .contains("\"merge\":false").doesNotContain("fs_size_limit").doesNotContain("origin");
        assertThat(sim.engine.filesystemMetadata(pool, Optional.of("nope"), true)).isEqualTo("{}");
        assertThat(sim.engine.engineStateReport()).startsWith("{\"pools\":[{\"pool_uuid\":\"" + pool + "\",\"name\":\"p1\"")
                .contains("\"size\":\"2147483648 sectors\"").contains("\"used\":\"549755813888 bytes\"")
                .contains("\"size_limit\":\"Not set\"").contains("\"datadevs\":[{").contains("\"size\":\"2097152 sectors\"")
                .endsWith("\"stopped_pools\":[],\"partially_constructed_pools\":[]}");
        sim.engine.destroyFilesystems(pool, java.util.Set.copyOf(
                sim.engine.pool(pool).orElseThrow().filesystems().stream().map(f -> f.uuid()).toList()));
        sim.engine.stopPool(new PoolId.ByUuid(pool));
        assertThat(sim.engine.stoppedPoolsReport()).startsWith("{\"stopped_pools\":[{\"pool_uuid\":\"" + pool + "\"");
    }
}
