package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.PrivateBus;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The container image: built from the Dockerfile on the locally made base image, run with a bus
 * socket mounted from the host; the daemon answers on D-Bus, its health says UP, and
 * {@code docker stop} (SIGTERM) ends it with status 0. Skipped, saying why, where no Docker engine
 * runs or the base image was not built ({@code .ci/run} provides both).
 */
class ContainerIT {

    private static final String BASE_IMAGE = "stratisd-base:bookworm";

    private static boolean baseImagePresent() {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(BASE_IMAGE).exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void theImageRunsTheDaemonOnAHostBus() throws Exception {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "No Docker engine is running here; .ci/run starts one");
        assumeTrue(baseImagePresent(), "Base image " + BASE_IMAGE + " missing; build it with scripts/container-base.sh");
        try (PrivateBus bus = PrivateBus.start();
             BusClient client = new BusClient(bus.address())) {
            Path socketDir = Path.of(bus.address().replaceFirst("^unix:path=", "").replaceFirst(",.*$", "")).getParent();
            ImageFromDockerfile image = new ImageFromDockerfile("stratisd-java-test", false)
                    .withDockerfile(Path.of("Dockerfile").toAbsolutePath())
                    .withBuildArg("BASE_IMAGE", BASE_IMAGE);
            try (GenericContainer<?> container = new GenericContainer<>(image)
                    // As the docs' docker run line; a file bind through withFileSystemBind would make
                    // Testcontainers check file mounts with an image it cannot pull here.
                    .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withBinds(
                            com.github.dockerjava.api.model.Bind.parse(socketDir + ":/bus"),
                            com.github.dockerjava.api.model.Bind.parse("/etc/machine-id:/etc/machine-id:ro")))
                    .withCommand("--sim", "--server.address=0.0.0.0", "--stratisd.bus-address=unix:path=/bus/bus.sock")
                    .withExposedPorts(9184)
                    .waitingFor(Wait.forHttp("/actuator/health/readiness").forPort(9184).forStatusCode(200))
                    .withStartupTimeout(Duration.ofMinutes(2))) {
                container.start();

                assertThat(client.get(BusClient.ROOT, "org.storage.stratis3.Manager.r0", "Version")).isEqualTo("3.9.2");
                assertThat(client.createPool("in-a-container", "/dev/c0").<String>json("$.data[2]")).isEqualTo("Ok");
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://" + container.getHost() + ":" + container.getMappedPort(9184) + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"nameOwned\":true");

                var docker = DockerClientFactory.instance().client();
                docker.stopContainerCmd(container.getContainerId()).withTimeout(60).exec();
                Long exitCode = docker.inspectContainerCmd(container.getContainerId()).exec().getState().getExitCodeLong();
                assertThat(exitCode).as("exit status after docker stop (SIGTERM)").isZero();
                assertThat(container.getLogs()).contains("SIGTERM received; shutting down").contains("Released org.storage.stratis3");
                assertThat(client.nameHasOwner(BusClient.NAME)).isFalse();
            }
            // The real engine's programs, and the udev rule with its helpers for installing on the host.
            Process files = new ProcessBuilder("docker", "run", "--rm", "--entrypoint", "/bin/sh", image.get(), "-c",
                    "for p in mkfs.xfs xfs_db xfs_growfs thin_check thin_repair thin_metadata_size blkid; do command -v $p || exit 1; done;"
                            + " test -f /usr/lib/udev/rules.d/61-stratisd.rules && test -x /usr/lib/udev/stratis-base32-decode"
                            + " && test -x /usr/lib/udev/stratis-str-cmp").redirectErrorStream(true).start();
            String found = new String(files.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(files.waitFor()).as("the image's real-engine programs and udev files: %s", found).isZero();

            // Without the host's machine id the daemon must stop at once and say what to mount.
            Process run = new ProcessBuilder("docker", "run", "--rm", "-v", socketDir + ":/bus", image.get(),
                    "--sim", "--stratisd.bus-address=unix:path=/bus/bus.sock").redirectErrorStream(true).start();
            String output = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(run.waitFor()).isEqualTo(1);
            assertThat(output).contains("stratisd: failed to start: D-Bus needs a machine id")
                    .contains("mount the host's /etc/machine-id read-only");
        }
    }
}
