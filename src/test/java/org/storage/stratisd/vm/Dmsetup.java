package org.storage.stratisd.vm;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code dmsetup} as an independent observer of what the daemon set up: tables, status lines,
 * names, UUIDs and device numbers, by device name.
 */
final class Dmsetup {

    private Dmsetup() {
    }

    /** @return {@code dmsetup table}: name to its lines (joined by newlines, trailing spaces trimmed) */
    static Map<String, String> tables() {
        return byName(Guest.run("dmsetup", "table"));
    }

    /** @return {@code dmsetup status}: name to its lines */
    static Map<String, String> status() {
        return byName(Guest.run("dmsetup", "status"));
    }

    /** @return every device's UUID, by name */
    static Map<String, String> uuids() {
        return columns("uuid");
    }

    /** @return every device's {@code major:minor}, by name */
    static Map<String, String> devnums() {
        Map<String, String> out = new TreeMap<>();
        columns("major,minor").forEach((name, v) -> out.put(name, v));
        return out;
    }

    /** @return the names of every device-mapper device */
    static List<String> names() {
        String out = Guest.run("dmsetup", "ls");
        if (out.strip().equals("No devices found")) {
            return List.of();
        }
        return out.lines().map(l -> l.split("\\s+")[0]).filter(n -> !n.isBlank()).sorted().toList();
    }

    /**
     * Removes the devices whose names contain a text, top of the stack first (filesystems, thin
     * pool, flex devices, cap, origin), as an administrator cleaning up after a daemon would.
     *
     * @param containing e.g. a pool UUID in simple form, or {@code stratis-1-} for every pool
     */
    static void removeStack(String containing) {
        List<String> order = List.of("-thin-fs-", "-thinpool-", "-flex-", "-crypt", "-physical-cache", "-physical-cachesub",
                "-physical-metasub", "-physical-originsub");
        for (String part : order) {
            for (String name : names()) {
                if (name.contains(containing) && name.contains(part)) {
                    Guest.run("dmsetup", "remove", "--retry", name);
                }
            }
        }
    }

    /** The tables with device numbers replaced by device names, so a re-created stack compares equal. */
    static Map<String, String> tablesByName() {
        Map<String, String> byNum = new HashMap<>();
        devnums().forEach((name, num) -> byNum.put(num, name));
        Map<String, String> out = new TreeMap<>();
        tables().forEach((name, table) -> {
            String t = table;
            for (var e : byNum.entrySet()) {
                t = t.replace(" " + e.getKey() + " ", " <" + e.getValue() + "> ");
            }
            out.put(name, t);
        });
        return out;
    }

    private static Map<String, String> columns(String fields) {
        Map<String, String> out = new TreeMap<>();
        String text = Guest.run("dmsetup", "info", "-c", "--noheadings", "--separator", ";", "-o", "name," + fields);
        if (text.strip().equals("No devices found")) {
            return out;
        }
        for (String line : text.lines().toList()) {
            String[] f = line.strip().split(";");
            if (f.length >= 2) {
                out.put(f[0], String.join(":", List.of(f).subList(1, f.length)));
            }
        }
        return out;
    }

    private static Map<String, String> byName(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text.strip().equals("No devices found")) {
            return out;
        }
        for (String line : text.lines().toList()) {
            int colon = line.indexOf(": ");
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon);
            out.merge(name, line.substring(colon + 2).stripTrailing(), (a, b) -> a + "\n" + b);
        }
        return out;
    }
}
