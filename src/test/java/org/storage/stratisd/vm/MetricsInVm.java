package org.storage.stratisd.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.vm.PoolCalls.P9;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.testsupport.LoopDevices;

/**
 * The storage metrics of the real engine on a real kernel: a pool's figures are those it publishes
 * on D-Bus, its thin data and metadata usage is the kernel's thin-pool status (256 MiB written
 * into a filesystem shows up in it), device-mapper events are counted, and a stopped pool is
 * reported as stopped with no thin series left behind.
 */
class MetricsInVm {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long TEN_GIB = 10L << 30;

    private static LoopDevices loops;
    private static Path a;
    private static RealDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        loops = new LoopDevices(Guest.scratch("metrics"));
        a = loops.attach(loops.image("a.img", new byte[0], TEN_GIB));
        daemon = RealDaemon.start("metrics", "--stratisd.storage-metrics-refresh=200ms");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RealDaemon.tearDown(daemon, loops, "/mnt/metrics");
    }

    @Test
    void poolFiguresFollowTheKernelAndAStoppedPoolIsReportedStopped() throws Exception {
        String poolPath = daemon.pools().createPool("metrics", a);
        String uuid = daemon.pools().uuid(poolPath, P9);
        daemon.pools().createFilesystem(poolPath, "fs");
        String pool = "pool_name=\"metrics\",pool_uuid=\"" + uuid + "\"";

        Guest.await("the pool's series", Duration.ofSeconds(30),
                () -> value(scrape(), "stratisd_pool_state{" + pool + ",state=\"running\"}") == 1);
        String scrape = scrape();
        assertThat(value(scrape, "stratisd_pool_physical_size_bytes{" + pool + "}"))
                .isEqualTo(Double.parseDouble((String) daemon.calls().get(poolPath, P9, "TotalPhysicalSize")));
        assertThat(value(scrape, "stratisd_pool_filesystems{" + pool + "}")).isEqualTo(1);
        double dataSize = value(scrape, "stratisd_pool_thin_data_size_bytes{" + pool + "}");
        double used = value(scrape, "stratisd_pool_thin_data_used_bytes{" + pool + "}");
        assertThat(dataSize).as("thin data size").isPositive();
        assertThat(used).as("thin data used").isBetween(0.0, dataSize);
        assertThat(value(scrape, "stratisd_pool_thin_metadata_size_bytes{" + pool + "}")).isPositive();
        assertThat(value(scrape, "stratisd_pool_thin_out_of_data_space{" + pool + "}")).isZero();
        assertThat(value(scrape, "stratisd_component_up{component=\"dmMonitor\"}")).isEqualTo(1);

        Guest.run("udevadm", "settle");
        Guest.run("mkdir", "-p", "/mnt/metrics");
        Guest.run("mount", "/dev/stratis/metrics/fs", "/mnt/metrics");
        Guest.run("dd", "if=/dev/urandom", "of=/mnt/metrics/data", "bs=1M", "count=256", "conv=fsync", "status=none");
        Guest.await("256 MiB more thin data in use", Duration.ofSeconds(90),
                () -> value(scrape(), "stratisd_pool_thin_data_used_bytes{" + pool + "}") >= used + (256L << 20));
        // The kernel's own figures, read with dmsetup: the reported sizes are its blocks in bytes
        // (awaited, since a check may grow the thin pool between the two reads).
        String thinpool = "stratis-1-private-" + uuid + "-thinpool-pool";
        Guest.await("thin sizes equal to the kernel's", Duration.ofSeconds(60), () -> {
            // status: <start> <length> thin-pool <transaction> <meta used>/<total> <data used>/<total> ...
            String[] status = Dmsetup.status().get(thinpool).trim().split("\\s+");
            // table: <start> <length> thin-pool <meta dev> <data dev> <data block size> ...
            long blockBytes = Long.parseLong(Dmsetup.tables().get(thinpool).trim().split("\\s+")[5]) * 512;
            String now = scrape();
            return value(now, "stratisd_pool_thin_data_size_bytes{" + pool + "}") == Long.parseLong(status[5].split("/")[1]) * blockBytes
                    && value(now, "stratisd_pool_thin_metadata_size_bytes{" + pool + "}") == Long.parseLong(status[4].split("/")[1]) * 4096.0;
        });
        assertThat(value(scrape(), "stratisd_dm_events_total")).as("device-mapper events").isPositive();
        Guest.run("umount", "/mnt/metrics");

        daemon.pools().stopPool(uuid);
        Guest.await("the pool reported stopped", Duration.ofSeconds(30),
                () -> value(scrape(), "stratisd_pool_state{" + pool + ",state=\"stopped\"}") == 1);
        String stopped = scrape();
        assertThat(stopped).doesNotContain("stratisd_pool_thin_data_used_bytes{" + pool)
                .doesNotContain("stratisd_pool_physical_size_bytes{" + pool)
                .doesNotContain("state=\"running\"} 1");
        assertThat(value(stopped, "stratisd_pools{state=\"stopped\"}")).isEqualTo(1);
        daemon.pools().startPool(uuid);
        Guest.await("the pool running again", Duration.ofSeconds(30),
                () -> value(scrape(), "stratisd_pool_state{" + pool + ",state=\"running\"}") == 1);
    }

    private static String scrape() {
        try {
            int port = daemon.process().managementPort(Duration.ofSeconds(30));
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return r.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
