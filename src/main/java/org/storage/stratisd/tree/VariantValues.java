package org.storage.stratisd.tree;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.Variant;

/**
 * Value equality of D-Bus values as dbus-java holds them. Its structs are {@code Object[]}, its
 * object paths do not compare by path, and its variants compare their contents with
 * {@code equals}, so the tree handler cannot tell an unchanged property from a changed one
 * without this.
 */
final class VariantValues {

    private VariantValues() {
    }

    /**
     * Whether two values are the same D-Bus value.
     *
     * @param a one value (may be null)
     * @param b the other (may be null)
     * @return true if equal in signature and content
     */
    static boolean same(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Variant<?> va && b instanceof Variant<?> vb) {
            return va.getSig().equals(vb.getSig()) && same(va.getValue(), vb.getValue());
        }
        if (a instanceof DBusPath pa && b instanceof DBusPath pb) {
            return pa.getPath().equals(pb.getPath());
        }
        if (a instanceof Object[] xa && b instanceof Object[] xb) {
            return sameElements(List.of(xa).iterator(), List.of(xb).iterator(), xa.length == xb.length);
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            return sameElements(la.iterator(), lb.iterator(), la.size() == lb.size());
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !same(e.getValue(), mb.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static boolean sameElements(Iterator<?> a, Iterator<?> b, boolean sameSize) {
        if (!sameSize) {
            return false;
        }
        while (a.hasNext()) {
            if (!same(a.next(), b.next())) {
                return false;
            }
        }
        return true;
    }
}
