package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.StratisCalls.s;
import static org.storage.stratisd.vm.PoolCalls.P9;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.strat.serde.PoolSave;
import org.storage.stratisd.json.Json;
import org.storage.stratisd.testsupport.LoopDevices;
import org.storage.stratisd.testsupport.StratisCalls;
import tools.jackson.databind.JsonNode;

/**
 * The device-mapper event path on a real kernel (real-engine spec §7.6, §9 rows 13 and 20). The
 * daemon runs with its periodic check set to an hour, so whatever happens to the pool within the
 * test happens because the kernel raised an event: a started pool's thin pool has its whole data
 * device as low-water mark (§1.4), so the first write into a filesystem raises the thin pool's
 * event, and the check it triggers grows the thin data onto a device added before. Afterwards the
 * task sleeps again: no busy loop on an event already handled.
 */
class EventsInVm {

    private static final long TEN_GIB = 10L << 30;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LoopDevices loops;
    private static Path a;
    private static Path b;
    private static RealDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        loops = new LoopDevices(Guest.scratch("events"));
        a = loops.attach(loops.image("a.img", new byte[0], TEN_GIB));
        b = loops.attach(loops.image("b.img", new byte[0], TEN_GIB));
        daemon = RealDaemon.start("events", "--stratisd.real.check-interval=1h");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops, "/mnt/events");
    }

    @Test
    void theFirstWriteAfterStartRaisesTheThinPoolsEventAndTheCheckItTriggersGrowsTheThinData() throws Exception {
        StratisCalls calls = daemon.calls();
        String poolPath = daemon.pools().createPool("events", a);
        String uuid = (String) calls.get(poolPath, P9, "Uuid");
        daemon.pools().createFilesystem(poolPath, "fs");
        calls.call(poolPath, P9, "AddDataDevs", "as", List.of(b.toString())).ok();
        daemon.pools().stopPool(uuid);
        daemon.pools().startPool(uuid);
        String thinpool = "stratis-1-private-" + uuid + "-thinpool-pool";
        String started = Dmsetup.tables().get(thinpool);
        long dataSectors = Long.parseLong(started.split(" ")[1]);
        assertThat(started).as("a started pool's low-water mark is its whole data device")
                .contains(" 2048 " + dataSectors / 2048 + " ");

        Thread.sleep(3000);
        assertThat(Dmsetup.tables().get(thinpool)).as("nothing grows without an event (the timer is an hour)").isEqualTo(started);
        long eventsBefore = dm().path("events").asLong();
        PoolSave before = Guest.metadata(a);

        Guest.run("udevadm", "settle");
        Guest.run("mkdir", "-p", "/mnt/events");
        long t0 = System.nanoTime();
        Guest.run("mount", "/dev/stratis/events/fs", "/mnt/events");
        Guest.run("dd", "if=/dev/zero", "of=/mnt/events/data", "bs=1M", "count=64", "conv=fsync", "status=none");
        // A check that grows the data loads the thin pool twice: the grown data with the old
        // low-water mark, then the standard mark; the first changed table may be the former.
        Guest.await("the thin data to grow", Duration.ofSeconds(60), () -> {
            String t = Dmsetup.tables().get(thinpool);
            return Long.parseLong(t.split(" ")[1]) > dataSectors && t.contains(" 2048 15360 ");
        });
        long millis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        System.out.println("FIGURE event-growth: first write to grown thin pool " + millis + " ms");

        String grownTable = Dmsetup.tables().get(thinpool);
        long grownSectors = Long.parseLong(grownTable.split(" ")[1]);
        assertThat(grownSectors).isGreaterThan(dataSectors);
        assertThat(grownTable).contains(" 2048 15360 ");
        assertThat(dm().path("events").asLong()).isGreaterThan(eventsBefore);
        PoolSave after = Guest.awaitMetadata(a, "the grown thin data in the metadata", Duration.ofSeconds(30),
                save -> PoolSave.sum(save.flexDevs().thinDataDev()) == grownSectors);
        assertThat(after.backstore().cap().allocs()).hasSizeGreaterThan(before.backstore().cap().allocs().size());
        assertThat(after.backstore().dataTier().blockdev().allocs().getFirst())
                .anySatisfy(segment -> assertThat(segment.parent().toString().replace("-", ""))
                        .isEqualTo(Guest.blkid(b).get("UUID").replace("-", "")));

        Guest.run("umount", "/mnt/events");
        Thread.sleep(3000);
        long events = dm().path("events").asLong();
        long checks = dm().path("checks").asLong();
        Thread.sleep(5000);
        assertThat(dm().path("events").asLong() - events).as("events handled while nothing happens").isLessThanOrEqualTo(1);
        assertThat(dm().path("checks").asLong() - checks).as("checks while nothing happens").isLessThanOrEqualTo(1);
        assertThat(dm().path("lastWakeAgoMillis").asLong()).isLessThan(5000);
    }

    /** The device-mapper task's health details. */
    private static JsonNode dm() throws Exception {
        int port = daemon.process().managementPort(Duration.ofSeconds(30));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/liveness"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode details = Json.tree(r.body()).path("components").path("dmMonitor").path("details");
        assertThat(details.isMissingNode()).as("dmMonitor details in %s", r.body()).isFalse();
        return details;
    }
}
