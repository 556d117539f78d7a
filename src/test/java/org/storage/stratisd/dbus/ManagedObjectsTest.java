package org.storage.stratisd.dbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.dbus.wire.WireMarshaller;
import org.storage.stratisd.lifecycle.TaskSupervisor;
import org.storage.stratisd.metrics.DaemonMetrics;
import org.storage.stratisd.testsupport.NoTreeSignals;
import org.storage.stratisd.tree.DbusChannel;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.DbusTreeHandler;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.tree.TreeObject;
import org.storage.stratisd.tree.TreeUpdate;

/**
 * {@code GetManagedObjects} from kept entries: every reply is what marshalling the tree afresh
 * gives, unchanged objects are not marshalled again, removed ones are not kept, and replies built
 * while the tree changes under many readers are each the marshalling of objects the tree held.
 */
class ManagedObjectsTest {

    private static final String IFACE = "org.storage.stratis3.pool.r9";
    private final DbusChannel channel = new DbusChannel();
    private final DbusTree tree = new DbusTree(DaemonMetrics.NONE);
    private DbusTreeHandler handler;

    @BeforeEach
    void start() {
        handler = new DbusTreeHandler(channel, tree, NoTreeSignals.INSTANCE, new TaskSupervisor(event -> { }), DaemonMetrics.NONE);
        handler.start();
    }

    @AfterEach
    void stop() {
        handler.stop();
    }

    private void send(TreeUpdate... updates) {
        channel.send(List.of(updates)).join();
    }

    private static TreeUpdate add(int i) {
        SequencedMap<String, Map<String, Variant<?>>> interfaces = new LinkedHashMap<>();
        interfaces.put(IFACE, Map.of("Name", new Variant<>("p" + i)));
        return new TreeUpdate.AddObject("/org/storage/stratis3/" + i, ObjectKind.POOL, UUID.randomUUID(), "", interfaces);
    }

    private static TreeUpdate rename(int i, String name) {
        return new TreeUpdate.RefreshProperties("/org/storage/stratis3/" + i, List.of(
                new TreeUpdate.PropertyUpdate(IFACE, "Name", new Variant<>(name), TreeUpdate.Emit.VALUE, false)));
    }

    /** The entries of the tree as it is now, marshalled afresh. */
    private List<byte[]> fresh() {
        return tree.read(view -> {
            List<byte[]> entries = new ArrayList<>();
            for (Map.Entry<String, TreeObject> e : view.entrySet()) {
                if (e.getValue().kind() != ObjectKind.ROOT) {
                    entries.add(entry(e.getKey(), e.getValue()));
                }
            }
            return entries;
        });
    }

    private static byte[] entry(String path, TreeObject object) {
        try {
            return WireMarshaller.entry(ManagedObjects.ENTRY, new DBusPath(path), object.interfaces());
        } catch (WireMarshaller.Unsupported e) {
            throw new AssertionError(e);
        }
    }

    private static List<byte[]> entries(Object reply) {
        return ((WireMarshaller.Entries) reply).marshalled();
    }

    @Test
    void aReplyIsTheTreeMarshalledAndOnlyChangedObjectsAreMarshalledAgain() {
        ManagedObjects managed = new ManagedObjects(tree);
        for (int i = 0; i < 5; i++) {
            send(add(i));
        }
        List<byte[]> first = entries(managed.reply());
        assertThat(first).containsExactlyElementsOf(fresh());

        send(rename(2, "renamed"));
        List<byte[]> second = entries(managed.reply());
        assertThat(second).containsExactlyElementsOf(fresh());
        assertThat(new String(second.get(2), java.nio.charset.StandardCharsets.UTF_8)).contains("renamed");
        for (int i : new int[] {0, 1, 3, 4}) {
            assertThat(second.get(i)).as("object %d unchanged: its entry reused", i).isSameAs(first.get(i));
        }
        assertThat(second.get(2)).isNotSameAs(first.get(2));

        send(new TreeUpdate.RemoveObject("/org/storage/stratis3/1"), new TreeUpdate.RemoveObject("/org/storage/stratis3/3"));
        assertThat(entries(managed.reply())).containsExactlyElementsOf(fresh()).hasSize(3);
        assertThat(managed.kept()).as("entries of removed objects dropped").isEqualTo(3);

        Object plain = ((WireMarshaller.Entries) managed.reply()).plain().get();
        assertThat(((Map<?, ?>) plain).keySet()).extracting(Object::toString)
                .containsExactly("/org/storage/stratis3/0", "/org/storage/stratis3/2", "/org/storage/stratis3/4");
    }

    @RepeatedTest(5)
    void repliesBuiltWhileTheTreeChangesAreEachMadeOfObjectsTheTreeHeld() throws Exception {
        ManagedObjects managed = new ManagedObjects(tree);
        int objects = 20;
        for (int i = 0; i < objects; i++) {
            send(add(i));
        }
        // Every entry any reply may contain (each object under each name the writer gives it), with
        // the step that made it: a reader's later reply never shows an object at an earlier step.
        int renames = 300;
        Map<String, Integer> allowed = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        int readers = 8;
        CyclicBarrier go = new CyclicBarrier(readers + 1);
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            threads.add(Thread.ofPlatform().start(() -> {
                await(go);
                int[] seen = new int[objects];
                while (writing.get()) {
                    List<byte[]> reply = entries(managed.reply());
                    if (reply.size() != objects) {
                        wrong.add("reply of " + reply.size() + " entries");
                        continue;
                    }
                    for (int i = 0; i < objects; i++) {
                        Integer step = allowed.get(java.util.HexFormat.of().formatHex(reply.get(i)));
                        if (step == null) {
                            wrong.add("an entry no state of the tree had");
                        } else if (step < seen[i]) {
                            wrong.add("object " + i + " at step " + step + " after step " + seen[i]);
                        } else {
                            seen[i] = step;
                        }
                    }
                }
            }));
        }
        for (int i = 0; i < objects; i++) {
            allowed.put(hex(i, "p" + i), 0);
        }
        await(go);
        for (int n = 0; n < renames; n++) {
            int i = n % objects;
            String name = "p" + i + "-" + n;
            allowed.put(hex(i, name), n + 1);
            send(rename(i, name));
        }
        writing.set(false);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(wrong).isEmpty();
        assertThat(entries(managed.reply())).containsExactlyElementsOf(fresh());
    }

    private static String hex(int i, String name) {
        SequencedMap<String, Map<String, Variant<?>>> interfaces = new LinkedHashMap<>();
        interfaces.put(IFACE, Map.of("Name", new Variant<>(name)));
        TreeObject object = new TreeObject(ObjectKind.POOL, UUID.randomUUID(), "", interfaces);
        return java.util.HexFormat.of().formatHex(entry("/org/storage/stratis3/" + i, object));
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
