package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.BusClient.MANAGER_R9;
import static org.storage.stratisd.testsupport.BusClient.NAME;
import static org.storage.stratisd.testsupport.BusClient.ROOT;

import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.messages.Error;
import org.freedesktop.dbus.messages.Message;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.BusClient.CommandResult;
import org.storage.stratisd.testsupport.DaemonProcess;
import org.storage.stratisd.testsupport.RunningDaemon;

/**
 * The packaged daemon on a real dbus-daemon, driven by external clients (busctl, gdbus) and a
 * dbus-java client: Version, CreatePool, GetManagedObjects, DestroyPool, their signals, and the
 * error returns for bad input.
 */
class DbusApiIT {

    private static RunningDaemon running;
    private static DaemonProcess daemon;
    private static BusClient client;

    @BeforeAll
    static void startDaemon() throws Exception {
        running = RunningDaemon.start();
        client = running.client();
        daemon = running.daemon();
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (running != null) {
            running.close();
        }
    }

    @Test
    void everyClientReadsTheVersionThroughManagerR0() throws Exception {
        assertThat(client.busctl("get-property", NAME, ROOT, "org.storage.stratis3.Manager.r0", "Version")
                .<String>json("$.data")).isEqualTo("3.9.2");
        assertThat(client.gdbus("call", "--dest", NAME, "--object-path", ROOT, "--method",
                "org.freedesktop.DBus.Properties.Get", "org.storage.stratis3.Manager.r0", "Version").out())
                .isEqualTo("(<'3.9.2'>,)\n");
        assertThat(client.get(ROOT, "org.storage.stratis3.Manager.r0", "Version")).isEqualTo("3.9.2");
    }

    @Test
    void createPoolRegistersThePoolAndItsBlockdevsAndSignalsThem() throws Exception {
        LinkedBlockingQueue<ObjectManager.InterfacesAdded> added = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<ObjectManager.InterfacesRemoved> removed = new LinkedBlockingQueue<>();
        try (AutoCloseable a = client.connection().addSigHandler(ObjectManager.InterfacesAdded.class, added::add);
             AutoCloseable r = client.connection().addSigHandler(ObjectManager.InterfacesRemoved.class, removed::add)) {

            CommandResult created = client.createPool("pool-signals", "/dev/sdb", "/dev/sdc");

            assertThat(created.<Boolean>json("$.data[0][0]")).isTrue();
            String poolPath = created.json("$.data[0][1][0]");
            List<String> devPaths = created.json("$.data[0][1][1]");
            assertThat(devPaths).hasSize(2);
            assertThat(created.<Integer>json("$.data[1]")).isZero();
            assertThat(created.<String>json("$.data[2]")).isEqualTo("Ok");

            Map<String, Map<String, Map<String, Variant<?>>>> objects = new java.util.HashMap<>();
            client.managedObjects().forEach((path, ifaces) -> objects.put(path.getPath(), ifaces));
            Map<String, Map<String, Variant<?>>> pool = objects.get(poolPath);
            assertThat(pool.keySet()).containsExactlyInAnyOrderElementsOf(revisions("pool"));
            assertThat(pool.get("org.storage.stratis3.pool.r9").get("Name").getValue()).isEqualTo("pool-signals");
            for (String devPath : devPaths) {
                Map<String, Variant<?>> dev = objects.get(devPath).get("org.storage.stratis3.blockdev.r9");
                assertThat(((DBusPath) dev.get("Pool").getValue()).getPath()).isEqualTo(poolPath);
            }
            assertThat(objects.get(devPaths.get(0)).get("org.storage.stratis3.blockdev.r9").get("Devnode").getValue())
                    .isEqualTo("/dev/sdb");

            List<String> addedPaths = List.of(
                    next(added).getSignalSource().getPath(), next(added).getSignalSource().getPath(), next(added).getSignalSource().getPath());
            assertThat(addedPaths).containsExactly(poolPath, devPaths.get(0), devPaths.get(1));

            CommandResult destroyed = client.callManager("DestroyPool", "o", poolPath);
            assertThat(destroyed.<Boolean>json("$.data[0][0]")).isTrue();
            assertThat(destroyed.<String>json("$.data[0][1]")).hasSize(32)
                    .isEqualTo(pool.get("org.storage.stratis3.pool.r9").get("Uuid").getValue());
            List<String> removedPaths = List.of(
                    next(removed).getSignalSource().getPath(), next(removed).getSignalSource().getPath(), next(removed).getSignalSource().getPath());
            assertThat(removedPaths).containsExactly(devPaths.get(0), devPaths.get(1), poolPath);
            assertThat(client.managedPaths()).doesNotContain(poolPath, devPaths.get(0), devPaths.get(1));
        }
    }

    @Test
    void createThenListSeesThePoolEveryTime() throws Exception {
        for (int i = 0; i < 20; i++) {
            String name = "ryw-" + i;
            Message reply = client.call(ROOT, MANAGER_R9, "CreatePool", BusClient.CREATE_POOL_R9,
                    name, List.of("/dev/ryw" + i), List.of(), List.of(),
                    new Object[] {false, new org.freedesktop.dbus.types.UInt64(0)}, new Object[] {false, ""},
                    new Object[] {false, false});
            assertThat(reply).isNotInstanceOf(Error.class);
            String poolPath = ((DBusPath) ((Object[]) ((Object[]) reply.getParameters()[0])[1])[0]).getPath();
            assertThat(client.managedPaths()).contains(poolPath);
            client.callManager("DestroyPool", "o", poolPath);
            assertThat(client.managedPaths()).doesNotContain(poolPath);
        }
    }

    @Test
    void recreatingTheSamePoolIsANoOp() throws Exception {
        client.createPool("pool-identity", "/dev/sdx", "/dev/sdy");
        String before = client.managedObjectsJson();

        CommandResult again = client.createPool("pool-identity", "/dev/sdy", "/dev/sdx", "/dev/sdy");

        assertThat(again.<List<Object>>json("$.data")).isEqualTo(List.of(List.of(false, List.of("/", List.of())), 0, "Ok"));
        assertThat(client.managedObjectsJson()).as("GetManagedObjects unchanged").isEqualTo(before);
    }

    @Test
    void badInputGetsTheErrorReturnAndChangesNothing() throws Exception {
        client.createPool("pool-bad", "/dev/sdb");
        String before = client.managedObjectsJson();

        assertFailure(client.createPool("", "/dev/sdb"), "Provided string is empty: ");
        assertFailure(client.createPool("pool-bad", "/dev/sdc"),
                "There was a difference in the blockdevs associated with the existing pool named pool-bad and the input"
                        + " requesting creation of a pool by the same name - the input requests blockdev /dev/sdc which"
                        + " does not exist in the current pool - the existing pool contains blockdev /dev/sdb which was not"
                        + " requested by the input");
        assertFailure(client.createPool("pool-nodevs"), "At least one blockdev is required to create a pool.");
        assertFailure(client.createPool("a b", "/dev/sdb"), "Provided string contains characters not allowed in udev symlinks: a b");
        assertFailure(client.createPool("pool-rel", "sdb"), "Paths{sdb} are not absolute");
        CommandResult badTag = client.callManager("CreatePool", BusClient.CREATE_POOL_R9,
                "pool-tag", "1", "/dev/sdb", "0", "0", "false", "0", "true", "64b", "false", "false");
        assertFailure(badTag, "Failed to parse integrity tag specification: Matching variant not found");

        CommandResult destroy = client.callManager("DestroyPool", "o", "/org/storage/stratis3/99999");
        assertThat(destroy.<List<Object>>json("$.data"))
                .isEqualTo(List.of(List.of(false, ""), 1, "Object path /org/storage/stratis3/99999 not associated with pool"));

        assertThat(client.managedObjectsJson()).as("GetManagedObjects unchanged").isEqualTo(before);
    }

    @Test
    void malformedCallsGetStandardErrorsAndTheDaemonKeepsServing() throws Exception {
        CommandResult wrongSignature = client.callManager("DestroyPool", "s", "x");
        assertThat(wrongSignature.exitCode()).isNotZero();
        assertThat(wrongSignature.err()).contains("expected signature 'o', got 's'");

        Message unknownMethod = client.call(ROOT, MANAGER_R9, "NoSuchMethod", "");
        assertThat(((Error) unknownMethod).getName()).isEqualTo("org.freedesktop.DBus.Error.UnknownMethod");
        Message unknownObject = client.call("/org/storage/stratis3/424242", "org.storage.stratis3.pool.r9", "SetName", "s", "x");
        assertThat(((Error) unknownObject).getName()).isEqualTo("org.freedesktop.DBus.Error.UnknownObject");
        Message unknownInterface = client.call(ROOT, "org.storage.stratis3.Nope.r1", "X", "");
        assertThat(((Error) unknownInterface).getName()).isEqualTo("org.freedesktop.DBus.Error.UnknownInterface");
        Message wrongTypes = client.call(ROOT, MANAGER_R9, "DestroyPool", "s", "/org/storage/stratis3/0");
        assertThat(((Error) wrongTypes).getName()).isEqualTo("org.freedesktop.DBus.Error.InvalidArgs");
        Message unknownProperty = client.call(ROOT, "org.freedesktop.DBus.Properties", "Get", "ss",
                "org.storage.stratis3.Manager.r9", "Nope");
        assertThat(((Error) unknownProperty).getName()).isEqualTo("org.freedesktop.DBus.Error.UnknownProperty");

        // dbus-java's client does not attach a descriptor nested in a struct: the body then names an
        // fd the message does not carry. That is the caller's error, not an internal one.
        try (java.io.FileInputStream in = new java.io.FileInputStream("/dev/null")) {
            org.freedesktop.dbus.FileDescriptor fd = org.freedesktop.dbus.FileDescriptor.fromJavaFileDescriptor(
                    in.getFD(), new org.storage.stratisd.dbus.wire.InterceptingSocketProvider());
            Message missingFd = client.call(ROOT, MANAGER_R9, "StartPool", "ss(b(bu))(bh)b", "p", "name",
                    new Object[] {false, new Object[] {false, new org.freedesktop.dbus.types.UInt32(0)}},
                    new Object[] {false, fd}, false);
            assertThat(((Error) missingFd).getName()).isEqualTo("org.freedesktop.DBus.Error.InvalidArgs");
        }

        assertThat(client.get(ROOT, "org.storage.stratis3.Manager.r9", "Version")).isEqualTo("3.9.2");
    }

    @Test
    void descriptorsSentWithCallsAreClosedAfterTheReply() throws Exception {
        java.nio.file.Path fdDir = java.nio.file.Path.of("/proc/" + daemon.pid() + "/fd");
        long before;
        try (var fds = java.nio.file.Files.list(fdDir)) {
            before = fds.count();
        }
        for (int i = 0; i < 50; i++) {
            try (java.io.FileInputStream in = new java.io.FileInputStream("/dev/null")) {
                org.freedesktop.dbus.FileDescriptor fd = org.freedesktop.dbus.FileDescriptor.fromJavaFileDescriptor(
                        in.getFD(), new org.storage.stratisd.dbus.wire.InterceptingSocketProvider());
                if (i % 2 == 0) {
                    Message reply = client.call(ROOT, MANAGER_R9, "SetKey", "sh", "fd-key", fd);
                    assertThat(reply).isNotInstanceOf(Error.class);
                } else {
                    Message reply = client.call(ROOT, MANAGER_R9, "NoSuchMethod", "sh", "x", fd);
                    assertThat(reply).isInstanceOf(Error.class);
                }
            }
        }
        long after;
        try (var fds = java.nio.file.Files.list(fdDir)) {
            after = fds.count();
        }
        assertThat(after).as("open descriptors of the daemon after 50 calls carrying one each").isLessThan(before + 10);
    }

    @Test
    void legacyRevisionsTakeTheirOwnCreatePoolSignatures() throws Exception {
        CommandResult r0 = client.busctl("call", NAME, ROOT, "org.storage.stratis3.Manager.r0", "CreatePool",
                "s(bq)as(bs)(b(ss))", "pool-r0", "false", "0", "1", "/dev/r0", "false", "", "false", "", "");
        assertThat(r0.<Boolean>json("$.data[0][0]")).isTrue();
        CommandResult r5 = client.busctl("call", NAME, ROOT, "org.storage.stratis3.Manager.r5", "CreatePool",
                "sas(bs)(b(ss))", "pool-r5", "1", "/dev/r5", "false", "", "false", "", "");
        assertThat(r5.<Boolean>json("$.data[0][0]")).isTrue();
        CommandResult r5Key = client.busctl("call", NAME, ROOT, "org.storage.stratis3.Manager.r5", "CreatePool",
                "sas(bs)(b(ss))", "pool-r5k", "1", "/dev/r5k", "true", "missing-key", "false", "", "");
        assertFailure(r5Key, "Key missing-key was not found in the keyring");
        CommandResult r9Slots = client.callManager("CreatePool", BusClient.CREATE_POOL_R9,
                "pool-slots", "1", "/dev/sdb", "2", "true", "3", "k1", "true", "3", "k2", "0", "false", "0", "false", "", "false", "false");
        assertFailure(r9Slots, "Token slot 3 already taken");
    }

    @Test
    void rootIntrospectionListsEveryManagerRevisionAndTheChildren() throws Exception {
        client.createPool("pool-introspect", "/dev/sdi");
        String xml = client.gdbus("introspect", "--dest", NAME, "--object-path", ROOT, "--xml").out();

        for (String revision : revisions("Manager")) {
            assertThat(xml).contains("<interface name=\"" + revision + "\">");
        }
        assertThat(xml).contains("org.freedesktop.DBus.ObjectManager").contains("<node name=\"");
        String tree = client.busctl("tree", "--list", NAME).out();
        assertThat(tree).contains(ROOT);
    }

    private static void assertFailure(CommandResult result, String message) {
        assertThat(result.<Integer>json("$.data[1]")).isEqualTo(1);
        assertThat(result.<String>json("$.data[2]")).isEqualTo(message);
        assertThat(result.<Boolean>json("$.data[0][0]")).isFalse();
    }

    private static List<String> revisions(String kind) {
        return java.util.stream.IntStream.range(0, 10).mapToObj(r -> "org.storage.stratis3." + kind + ".r" + r).toList();
    }

    private static <T> T next(LinkedBlockingQueue<T> queue) throws InterruptedException {
        T item = queue.poll(10, TimeUnit.SECONDS);
        assertThat(item).as("signal within 10 s").isNotNull();
        return item;
    }
}
