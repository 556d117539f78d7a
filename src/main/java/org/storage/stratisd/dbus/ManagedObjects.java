package org.storage.stratisd.dbus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.Variant;
import org.storage.stratisd.dbus.wire.WireMarshaller;
import org.storage.stratisd.tree.DbusTree;
import org.storage.stratisd.tree.ObjectKind;
import org.storage.stratisd.tree.TreeObject;

/**
 * Answers {@code GetManagedObjects} from the dbus tree, keeping each object's marshalled entry
 * beside it: the tree changes far less often than it is read, so a reply is mostly the joining of
 * entries marshalled before, and only objects changed since the last call are marshalled again.
 * A tree object is immutable and replaced on every change, so "changed" is "not the same instance".
 */
final class ManagedObjects {

    /** The type of one entry of the reply, {@code a{oa{sa{sv}}}}. */
    static final String ENTRY = "{oa{sa{sv}}}";

    private final DbusTree tree;
    /**
     * Path to the object last marshalled there and its bytes. Invariant: a value's bytes are the
     * marshalling of its object (made together, never changed after); a reply uses them only when
     * the object it read from the tree is that very instance, so an entry left by a changed or
     * removed object is never sent. Calls may run at once: two that find the same object changed
     * both marshal it and both put an equal value, and a call working from an older view may put
     * back an entry for a path removed since; such an entry is never used and goes at the next
     * call that finds more entries than objects.
     */
    private final Map<String, Marshalled> entries = new ConcurrentHashMap<>();

    private record Marshalled(TreeObject object, byte[] bytes) {
    }

    ManagedObjects(DbusTree tree) {
        this.tree = tree;
    }

    /**
     * The reply's value: the entries, marshalled, with the plain dictionary behind them; or only
     * the plain dictionary, if some value cannot be marshalled here.
     *
     * @return the value for {@code a{oa{sa{sv}}}}
     */
    Object reply() {
        List<Map.Entry<String, TreeObject>> objects = tree.read(view -> {
            List<Map.Entry<String, TreeObject>> list = new ArrayList<>(view.size());
            view.forEach((path, object) -> {
                if (object.kind() != ObjectKind.ROOT) {
                    list.add(Map.entry(path, object));
                }
            });
            return list;
        });
        List<byte[]> marshalled = new ArrayList<>(objects.size());
        for (Map.Entry<String, TreeObject> e : objects) {
            Marshalled known = entries.get(e.getKey());
            if (known == null || known.object() != e.getValue()) {
                try {
                    known = new Marshalled(e.getValue(),
                            WireMarshaller.entry(ENTRY, new DBusPath(e.getKey()), e.getValue().interfaces()));
                } catch (WireMarshaller.Unsupported unsupported) {
                    return plain(objects);
                }
                entries.put(e.getKey(), known);
            }
            marshalled.add(known.bytes());
        }
        if (entries.size() > objects.size()) {
            Set<String> paths = new HashSet<>(objects.size() * 2);
            objects.forEach(e -> paths.add(e.getKey()));
            entries.keySet().retainAll(paths);
        }
        return new WireMarshaller.Entries(marshalled, () -> plain(objects));
    }

    private static Map<DBusPath, Map<String, Map<String, Variant<?>>>> plain(List<Map.Entry<String, TreeObject>> objects) {
        Map<DBusPath, Map<String, Map<String, Variant<?>>>> result = new LinkedHashMap<>();
        objects.forEach(e -> result.put(new DBusPath(e.getKey()), new LinkedHashMap<>(e.getValue().interfaces())));
        return result;
    }

    /** @return how many objects have an entry kept (for tests) */
    int kept() {
        return entries.size();
    }
}
