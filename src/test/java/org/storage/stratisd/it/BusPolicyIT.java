package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.BusClient.NAME;
import static org.storage.stratisd.testsupport.BusClient.ROOT;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.PrivateBus;
import org.storage.stratisd.testsupport.RunningDaemon;

/**
 * The shipped D-Bus policy ({@code systemd/stratisd.conf}) on a real dbus-daemon whose base
 * policy is a system bus's: root owns the name and may change things; a caller running as
 * {@code nobody} may read everything the policy lists and is refused every change with
 * {@code AccessDenied}.
 */
class BusPolicyIT {

    private static final String ACCESS_DENIED = "Access denied";

    private static RunningDaemon running;
    private static PrivateBus bus;
    private static BusClient root;
    private static String poolPath;

    @BeforeAll
    static void start() throws Exception {
        running = RunningDaemon.start(Path.of("src/test/resources/policy-test-bus.conf"),
                Map.of("@POLICY@", Path.of("systemd/stratisd.conf").toAbsolutePath().toString()));
        bus = running.bus();
        root = running.client();
        poolPath = root.createPool("policy-pool", "/dev/pp").json("$.data[0][1][0]");
    }

    @AfterAll
    static void stop() throws Exception {
        if (running != null) {
            running.close();
        }
    }

    /** Runs busctl as nobody. */
    private static Result asNobody(String... busctlArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "busctl", "--address=" + bus.address()));
        command.addAll(List.of(busctlArgs));
        Process process = new ProcessBuilder(command).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return new Result(process.exitValue(), out, err);
    }

    private record Result(int exitCode, String out, String err) {
    }

    @Test
    void anUnprivilegedCallerReadsEverythingThePolicyLists() throws Exception {
        assertThat(asNobody("call", NAME, ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects").out())
                .contains(poolPath);
        assertThat(asNobody("get-property", NAME, ROOT, "org.storage.stratis3.Manager.r0", "Version").out()).contains("3.9.2");
        assertThat(asNobody("call", NAME, poolPath, "org.freedesktop.DBus.Properties", "GetAll", "s",
                "org.storage.stratis3.pool.r9").out()).contains("policy-pool");
        assertThat(asNobody("call", NAME, ROOT, "org.storage.stratis3.Report.r9", "GetReport", "s", "stopped_pools").out())
                .contains("stopped_pools");
        assertThat(asNobody("call", NAME, ROOT, "org.storage.stratis3.Manager.r9", "ListKeys").exitCode()).isZero();
        assertThat(asNobody("call", NAME, ROOT, "org.storage.stratis3.Manager.r3", "EngineStateReport").out()).contains("policy-pool");
        assertThat(asNobody("introspect", NAME, ROOT).exitCode()).isZero();
    }

    @Test
    void anUnprivilegedCallerIsRefusedEveryChange() throws Exception {
        String before = root.managedObjectsJson();

        Result create = asNobody("call", NAME, ROOT, "org.storage.stratis3.Manager.r9", "CreatePool", BusClient.CREATE_POOL_R9,
                "nobodys-pool", "1", "/dev/np", "0", "0", "false", "0", "false", "", "false", "false");
        Result destroy = asNobody("call", NAME, ROOT, "org.storage.stratis3.Manager.r9", "DestroyPool", "o", poolPath);
        Result rename = asNobody("call", NAME, poolPath, "org.storage.stratis3.pool.r9", "SetName", "s", "mine");
        Result set = asNobody("set-property", NAME, poolPath, "org.storage.stratis3.pool.r9", "FsLimit", "t", "99");
        Result unset = asNobody("call", NAME, ROOT, "org.storage.stratis3.Manager.r9", "UnsetKey", "s", "k");

        for (Result refused : List.of(create, destroy, rename, set, unset)) {
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.err()).contains(ACCESS_DENIED);
        }
        assertThat(root.managedObjectsJson()).isEqualTo(before);
    }

    @Test
    void onlyRootMayOwnTheName() throws Exception {
        Process process = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                "import dbus,sys; b=dbus.bus.BusConnection(sys.argv[1]); b.request_name('org.storage.stratis3')", bus.address())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isNotZero();
        assertThat(output).contains("AccessDenied");
    }
}
