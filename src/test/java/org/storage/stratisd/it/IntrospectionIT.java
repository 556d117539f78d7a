package org.storage.stratisd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.storage.stratisd.testsupport.BusClient.ROOT;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.freedesktop.dbus.messages.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.testsupport.BusClient;
import org.storage.stratisd.testsupport.RunningDaemon;
import org.storage.stratisd.testsupport.StratisCalls;

/**
 * The introspection XML of each object kind, compared with the expected copies in
 * {@code src/test/resources/introspection}. After a deliberate change of the API, run with
 * {@code -Dintrospection.update=true} to rewrite them, and review the diff.
 */
class IntrospectionIT {

    private static final Path EXPECTED = Path.of("src/test/resources/introspection");

    private static RunningDaemon running;
    private static BusClient client;

    @BeforeAll
    static void start() throws Exception {
        running = RunningDaemon.start();
        client = running.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (running != null) {
            running.close();
        }
    }

    private static String introspect(String path) throws Exception {
        Message reply = client.call(path, "org.freedesktop.DBus.Introspectable", "Introspect", "");
        return (String) reply.getParameters()[0];
    }

    private static void compare(String name, String actual) throws Exception {
        Path file = EXPECTED.resolve(name + ".xml");
        if (Boolean.getBoolean("introspection.update")) {
            Files.writeString(file, actual);
        }
        assertThat(actual).as("introspection of the %s object", name).isEqualTo(Files.readString(file));
    }

    @Test
    void everyObjectKindIntrospectsAsExpected() throws Exception {
        compare("root-empty", introspect(ROOT));
        compare("slash", introspect("/"));
        compare("org", introspect("/org"));

        StratisCalls stratis = new StratisCalls(client);
        BusClient.CommandResult created = client.createPool("introspected", "/dev/i0");
        String pool = created.json("$.data[0][1][0]");
        String dev = created.<List<String>>json("$.data[0][1][1]").getFirst();
        String fs = ((org.freedesktop.dbus.DBusPath) ((Object[]) ((List<?>) stratis.call(pool, "org.storage.stratis3.pool.r9",
                "CreateFilesystems", "a(s(bs)(bs))", StratisCalls.one(StratisCalls.s("fs", StratisCalls.s(false, ""),
                        StratisCalls.s(false, "")))).ok().struct()[1]).getFirst())[0]).getPath();

        compare("pool", introspect(pool));
        compare("blockdev", introspect(dev));
        compare("filesystem", introspect(fs));
        assertThat(introspect(ROOT)).contains("<node name=\"" + pool.substring(ROOT.length() + 1) + "\"/>");
    }
}
