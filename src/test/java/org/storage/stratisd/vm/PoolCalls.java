package org.storage.stratisd.vm;

import static org.storage.stratisd.testsupport.StratisCalls.createArgs;
import static org.storage.stratisd.testsupport.StratisCalls.one;
import static org.storage.stratisd.testsupport.StratisCalls.s;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.freedesktop.dbus.FileDescriptor;
import org.storage.stratisd.dbus.wire.InterceptingSocketProvider;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.StratisCalls;

/** The calls the real-kernel tests make again and again, each expected to succeed (return code 0). */
final class PoolCalls {

    static final String MANAGER = "/org/storage/stratis3";
    static final String M9 = "org.storage.stratis3.Manager.r9";
    static final String P9 = "org.storage.stratis3.pool.r9";
    static final String F9 = "org.storage.stratis3.filesystem.r9";
    static final String CREATE_POOL = "sasa((bu)s)a((bu)ss)(bt)(bs)(bb)";

    private final StratisCalls calls;

    PoolCalls(StratisCalls calls) {
        this.calls = calls;
    }

    /**
     * Creates an unencrypted pool.
     *
     * @return the pool's object path
     */
    String createPool(String name, Path... devices) throws Exception {
        StratisCalls.Result r = calls.call(MANAGER, M9, "CreatePool", CREATE_POOL,
                createArgs(name, List.of(devices).stream().map(Path::toString).toList())).ok();
        return ((Object[]) ((Object[]) r.payload())[1])[0].toString();
    }

    /** @return the pool's UUID, in the simple form of the D-Bus API */
    String uuid(String objectPath, String iface) throws Exception {
        return (String) calls.get(objectPath, iface, "Uuid");
    }

    /**
     * Creates a filesystem of the default size.
     *
     * @return its object path
     */
    String createFilesystem(String poolPath, String name) throws Exception {
        StratisCalls.Result r = calls.call(poolPath, P9, "CreateFilesystems", "a(s(bs)(bs))",
                one(s(name, s(false, ""), s(false, "")))).ok();
        return ((Object[]) ((List<?>) ((Object[]) r.payload())[1]).getFirst())[0].toString();
    }

    void stopPool(String uuid) throws Exception {
        calls.call(MANAGER, M9, "StopPool", "ss", uuid, "uuid").ok();
    }

    /** Manager.r4's StartPool: the same engine call as r9's, without the descriptor dbus-java cannot nest. */
    void startPool(String uuid) throws Exception {
        calls.call(MANAGER, "org.storage.stratis3.Manager.r4", "StartPool", "ss(bs)", uuid, "uuid", s(false, "")).ok();
    }

    /**
     * Manager.r9's StartPool with a passphrase descriptor and no unlock method, from dbus-python
     * (dbus-java cannot nest a descriptor in a struct).
     *
     * @param uuid the pool, simple form
     * @param file the file whose bytes are the passphrase
     * @return the call's return code and message, e.g. {@code 0 Ok}
     */
    static String startPoolWithPassphrase(String uuid, Path file) {
        return Guest.run("python3", "-c", String.join("\n",
                "import dbus, sys",
                "m = dbus.Interface(dbus.SystemBus().get_object('org.storage.stratis3', '/org/storage/stratis3'),",
                "                   'org.storage.stratis3.Manager.r9')",
                "f = open(sys.argv[2], 'rb')",
                "r = m.StartPool(sys.argv[1], 'uuid', (False, (False, dbus.UInt32(0))), (True, dbus.types.UnixFd(f)), False,",
                "                signature='ss(b(bu))(bh)b', timeout=600)",
                "print(int(r[1]), r[2])"), uuid, file.toString()).strip();
    }

    /**
     * Sets a Stratis key from a descriptor of a file holding the bytes, as {@code stratis key set} does.
     *
     * @param dir         where the file is made (and deleted again)
     * @param description the key description
     * @param key         the key bytes
     * @return the call's result
     */
    StratisCalls.Result setKey(Path dir, String description, byte[] key) throws Exception {
        Path file = Files.createTempFile(dir, "key", ".bin");
        Files.write(file, key);
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            FileDescriptor fd = FileDescriptor.fromJavaFileDescriptor(in.getFD(), new InterceptingSocketProvider());
            return calls.call(MANAGER, M9, "SetKey", "sh", description, fd);
        } finally {
            Files.delete(file);
        }
    }

    /**
     * The path of the object with that interface and name, as GetManagedObjects shows it.
     *
     * @param client a client of the daemon
     * @param iface  the interface, e.g. {@link #P9}
     * @param name   the object's {@code Name}
     * @return its object path
     */
    static String objectPath(BusClient client, String iface, String name) throws Exception {
        for (var e : client.managedObjects().entrySet()) {
            var props = e.getValue().get(iface);
            if (props != null && name.equals(props.get("Name").getValue())) {
                return e.getKey().toString();
            }
        }
        throw new AssertionError("no object of " + iface + " named " + name);
    }

    /**
     * Manager.r9's StartPool(id, id_type, unlock_method, key_fd, remove_cache) with {@code remove_cache}
     * set, from dbus-python: the {@code (bh)} is a descriptor nested in a struct, which neither
     * dbus-java nor busctl can send.
     *
     * @param uuid the pool, simple form
     * @return the call's return code and message, e.g. {@code 0 Ok}
     */
    static String startPoolWithoutCache(String uuid) {
        return Guest.run("python3", "-c", String.join("\n",
                "import dbus, sys",
                "m = dbus.Interface(dbus.SystemBus().get_object('org.storage.stratis3', '/org/storage/stratis3'),",
                "                   'org.storage.stratis3.Manager.r9')",
                "r = m.StartPool(sys.argv[1], 'uuid', (False, (False, dbus.UInt32(0))), (False, dbus.types.UnixFd(0)), True,",
                "                signature='ss(b(bu))(bh)b', timeout=600)",
                "print(int(r[1]), r[2])"), uuid).strip();
    }
}
