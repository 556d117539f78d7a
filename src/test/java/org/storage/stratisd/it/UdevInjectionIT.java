package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storage.stratisd.testsupport.RunningDaemon;

/**
 * The simulator's event injection (for the event-path benchmark): lines written to the injection
 * socket travel the daemon's real udev path (channel, udev handler, engine, tree, signals) and
 * end as a pool announced on the bus; lines that do not name a valid new pool change nothing.
 */
class UdevInjectionIT {

    @TempDir
    Path dir;

    @Test
    void anInjectedDeviceSetsUpItsPoolAndItIsAnnounced() throws Exception {
        Path socket = dir.resolve("inject.sock");
        try (RunningDaemon running = RunningDaemon.start("--stratisd.sim.udev-injection-socket=" + socket)) {
            LinkedBlockingQueue<ObjectManager.InterfacesAdded> added = new LinkedBlockingQueue<>();
            try (AutoCloseable subscription = running.client().connection().addSigHandler(ObjectManager.InterfacesAdded.class,
                    added::add);
                 SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                channel.write(ByteBuffer.wrap("bogus line\nadd bad/name\nadd injected\nadd injected\n".getBytes(StandardCharsets.US_ASCII)));

                ObjectManager.InterfacesAdded pool = added.poll(10, TimeUnit.SECONDS);
                assertThat(pool).isNotNull();
                Map<String, Variant<?>> properties = pool.getInterfaces().get("org.storage.stratis3.pool.r9");
                assertThat(properties.get("Name").getValue()).isEqualTo("injected");
                ObjectManager.InterfacesAdded blockdev = added.poll(10, TimeUnit.SECONDS);
                assertThat(blockdev.getInterfaces().get("org.storage.stratis3.blockdev.r9").get("Devnode").getValue())
                        .isEqualTo("/dev/sim/injected");
                assertThat(added.poll(1, TimeUnit.SECONDS)).as("the repeated line and the bad ones add nothing").isNull();
            }
            List<String> names = running.client().managedObjects().values().stream()
                    .map(ifaces -> ifaces.get("org.storage.stratis3.pool.r9")).filter(p -> p != null)
                    .map(p -> p.get("Name").getValue().toString()).toList();
            assertThat(names).containsExactly("injected");
            running.daemon().signal("INT");
            assertThat(running.daemon().awaitExit(java.time.Duration.ofSeconds(30))).isZero();
        }
        assertThat(Files.exists(socket)).as("the socket is removed at stop").isFalse();
    }
}
