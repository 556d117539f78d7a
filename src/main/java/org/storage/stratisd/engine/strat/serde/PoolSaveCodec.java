package org.storage.stratisd.engine.strat.serde;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.storage.stratisd.engine.strat.serde.PoolSave.Backstore;
import org.storage.stratisd.engine.strat.serde.PoolSave.BlockDev;
import org.storage.stratisd.engine.strat.serde.PoolSave.BlockDevMgr;
import org.storage.stratisd.engine.strat.serde.PoolSave.Cap;
import org.storage.stratisd.engine.strat.serde.PoolSave.DataTier;
import org.storage.stratisd.engine.strat.serde.PoolSave.FlexDevs;
import org.storage.stratisd.engine.strat.serde.PoolSave.IntegritySpec;
import org.storage.stratisd.engine.strat.serde.PoolSave.Range;
import org.storage.stratisd.engine.strat.serde.PoolSave.Segment;
import org.storage.stratisd.engine.strat.serde.PoolSave.ThinPoolDev;
import org.storage.stratisd.json.Json;

/**
 * Reads and writes {@link PoolSave} documents as upstream does: compact JSON, keys in the order
 * of spec §3.3, optional members omitted when absent or empty. Reading ignores keys it does not
 * know (as upstream's serde does) and fails, naming the key path, on a missing required key or a
 * value of the wrong type.
 */
public final class PoolSaveCodec {

    private PoolSaveCodec() {
    }

    /** A document that is not valid pool metadata. */
    public static final class FormatException extends Exception {
        FormatException(String message) {
            super(message);
        }
    }

    /**
     * Parses a document.
     *
     * @param data the JSON bytes (UTF-8)
     * @return the document
     * @throws FormatException if it is not JSON or not pool metadata
     */
    public static PoolSave parse(byte[] data) throws FormatException {
        Object root;
        try {
            root = Json.parse(new String(data, StandardCharsets.UTF_8));
        } catch (Json.JsonException e) {
            throw new FormatException("pool metadata is not JSON: " + e.getMessage());
        }
        try {
            return read(new Obj(root, ""));
        } catch (Bad e) {
            throw new FormatException("pool metadata: " + e.getMessage());
        }
    }

    private static PoolSave read(Obj top) {
        Obj backstore = top.obj("backstore");
        Obj dataTier = backstore.obj("data_tier");
        Obj cap = backstore.obj("cap");
        Obj flex = top.obj("flex_devs");
        Obj thin = top.obj("thinpool_dev");
        return new PoolSave(
                top.string("name"),
                new Backstore(
                        new DataTier(blockDevMgr(dataTier.obj("blockdev")), dataTier.optObj("integrity_spec").map(PoolSaveCodec::integrity)),
                        new Cap(cap.ranges("allocs"), cap.optRanges("crypt_meta_allocs")),
                        backstore.optObj("cache_tier").map(c -> blockDevMgr(c.obj("blockdev")))),
                new FlexDevs(flex.ranges("meta_dev"), flex.ranges("thin_meta_dev"), flex.ranges("thin_data_dev"),
                        flex.ranges("thin_meta_dev_spare")),
                new ThinPoolDev(thin.number("data_block_size"), thin.optStrings("feature_args"), thin.optNumber("fs_limit"),
                        thin.optBool("enable_overprov")),
                top.optBool("started"),
                top.optStrings("features").orElse(List.of()),
                top.optNumber("last_reencrypt"));
    }

    /**
     * Writes a document as upstream serialises it.
     *
     * @param save the document
     * @return compact JSON, UTF-8
     */
    public static byte[] write(PoolSave save) {
        return Json.write(toJson(save)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The document as JSON values, keys in upstream's order (for reports that embed it).
     *
     * @param save the document
     * @return an ordered map
     */
    public static Map<String, Object> toJson(PoolSave save) {
        Map<String, Object> dataTier = new LinkedHashMap<>();
        dataTier.put("blockdev", blockDevMgr(save.backstore().dataTier().blockdev()));
        save.backstore().dataTier().integritySpec().ifPresent(spec -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("tag_spec", spec.tagSpec());
            s.put("journal_size", spec.journalSize());
            s.put("block_size", spec.blockSize());
            s.put("allocate_superblock", spec.allocateSuperblock());
            dataTier.put("integrity_spec", s);
        });
        Map<String, Object> cap = new LinkedHashMap<>();
        cap.put("allocs", ranges(save.backstore().cap().allocs()));
        if (!save.backstore().cap().cryptMetaAllocs().isEmpty()) {
            cap.put("crypt_meta_allocs", ranges(save.backstore().cap().cryptMetaAllocs()));
        }
        Map<String, Object> backstore = new LinkedHashMap<>();
        backstore.put("data_tier", dataTier);
        backstore.put("cap", cap);
        save.backstore().cacheTier().ifPresent(c -> backstore.put("cache_tier", Map.of("blockdev", blockDevMgr(c))));
        Map<String, Object> flex = new LinkedHashMap<>();
        flex.put("meta_dev", ranges(save.flexDevs().metaDev()));
        flex.put("thin_meta_dev", ranges(save.flexDevs().thinMetaDev()));
        flex.put("thin_data_dev", ranges(save.flexDevs().thinDataDev()));
        flex.put("thin_meta_dev_spare", ranges(save.flexDevs().thinMetaDevSpare()));
        Map<String, Object> thin = new LinkedHashMap<>();
        ThinPoolDev t = save.thinpoolDev();
        thin.put("data_block_size", t.dataBlockSize());
        t.featureArgs().ifPresent(f -> thin.put("feature_args", f));
        t.fsLimit().ifPresent(l -> thin.put("fs_limit", l));
        t.enableOverprov().ifPresent(o -> thin.put("enable_overprov", o));
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("name", save.name());
        top.put("backstore", backstore);
        top.put("flex_devs", flex);
        top.put("thinpool_dev", thin);
        save.started().ifPresent(s -> top.put("started", s));
        if (!save.features().isEmpty()) {
            top.put("features", save.features());
        }
        save.lastReencrypt().ifPresent(r -> top.put("last_reencrypt", r));
        return top;
    }

    private static Map<String, Object> blockDevMgr(BlockDevMgr mgr) {
        List<Object> allocs = new ArrayList<>();
        for (List<Segment> list : mgr.allocs()) {
            allocs.add(list.stream().map(s -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("parent", s.parent().toString());
                m.put("start", s.start());
                m.put("length", s.length());
                return (Object) m;
            }).toList());
        }
        List<Object> devs = new ArrayList<>();
        for (BlockDev d : mgr.devs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("uuid", d.uuid().toString());
            if (!d.integrityMetaAllocs().isEmpty()) {
                m.put("integrity_meta_allocs", ranges(d.integrityMetaAllocs()));
            }
            d.userInfo().ifPresent(u -> m.put("user_info", u));
            d.hardwareInfo().ifPresent(h -> m.put("hardware_info", h));
            devs.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("allocs", allocs);
        out.put("devs", devs);
        return out;
    }

    private static List<Object> ranges(List<Range> ranges) {
        return ranges.stream().map(r -> (Object) List.of(r.start(), r.length())).toList();
    }

    private static BlockDevMgr blockDevMgr(Obj o) {
        List<List<Segment>> allocs = new ArrayList<>();
        List<Object> lists = o.list("allocs");
        for (int i = 0; i < lists.size(); i++) {
            String path = o.path + ".allocs[" + i + "]";
            List<Segment> segments = new ArrayList<>();
            List<Object> items = asList(lists.get(i), path);
            for (int j = 0; j < items.size(); j++) {
                Obj s = new Obj(items.get(j), path + "[" + j + "]");
                segments.add(new Segment(s.uuid("parent"), s.number("start"), s.number("length")));
            }
            allocs.add(segments);
        }
        List<BlockDev> devs = new ArrayList<>();
        List<Object> items = o.list("devs");
        for (int j = 0; j < items.size(); j++) {
            Obj d = new Obj(items.get(j), o.path + ".devs[" + j + "]");
            devs.add(new BlockDev(d.uuid("uuid"), d.optRanges("integrity_meta_allocs"), d.optString("user_info"),
                    d.optString("hardware_info")));
        }
        return new BlockDevMgr(allocs, devs);
    }

    private static IntegritySpec integrity(Obj o) {
        return new IntegritySpec(o.optString("tag_spec").orElse("512b"), o.optNumber("journal_size").orElse(262144),
                o.optNumber("block_size").orElse(4096), o.optBool("allocate_superblock").orElse(true));
    }

    private static List<Object> asList(Object value, String path) {
        if (value instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        throw new Bad(path + ": expected an array");
    }

    /** A failure deep in the reader, turned into a {@link FormatException} at the top. */
    private static final class Bad extends RuntimeException {
        Bad(String message) {
            super(message, null, false, false);
        }
    }

    /** One JSON object and its key path, with typed getters. */
    private static final class Obj {
        private final Map<?, ?> map;
        private final String path;

        Obj(Object value, String path) {
            if (!(value instanceof Map<?, ?> m)) {
                throw new Bad((path.isEmpty() ? "the document" : path) + ": expected an object");
            }
            this.map = m;
            this.path = path;
        }

        private String at(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        private Object required(String key) {
            Object v = map.get(key);
            if (v == null) {
                throw new Bad(at(key) + ": missing");
            }
            return v;
        }

        Obj obj(String key) {
            return new Obj(required(key), at(key));
        }

        Optional<Obj> optObj(String key) {
            return map.get(key) == null ? Optional.empty() : Optional.of(obj(key));
        }

        List<Object> list(String key) {
            return asList(required(key), at(key));
        }

        String string(String key) {
            if (required(key) instanceof String s) {
                return s;
            }
            throw new Bad(at(key) + ": expected a string");
        }

        Optional<String> optString(String key) {
            return map.get(key) == null ? Optional.empty() : Optional.of(string(key));
        }

        UUID uuid(String key) {
            String text = string(key);
            try {
                if (text.length() == 36) {
                    return UUID.fromString(text);
                }
                if (text.length() == 32 && text.matches("[0-9a-fA-F]{32}")) {
                    return UUID.fromString(text.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw new Bad(at(key) + ": not a UUID: " + text);
        }

        long number(String key) {
            return toNumber(required(key), at(key));
        }

        OptionalLong optNumber(String key) {
            return map.get(key) == null ? OptionalLong.empty() : OptionalLong.of(number(key));
        }

        Optional<Boolean> optBool(String key) {
            Object v = map.get(key);
            if (v == null) {
                return Optional.empty();
            }
            if (v instanceof Boolean b) {
                return Optional.of(b);
            }
            throw new Bad(at(key) + ": expected true or false");
        }

        Optional<List<String>> optStrings(String key) {
            if (map.get(key) == null) {
                return Optional.empty();
            }
            List<String> out = new ArrayList<>();
            for (Object o : list(key)) {
                if (!(o instanceof String s)) {
                    throw new Bad(at(key) + ": expected strings");
                }
                out.add(s);
            }
            return Optional.of(out);
        }

        List<Range> ranges(String key) {
            List<Range> out = new ArrayList<>();
            List<Object> items = list(key);
            for (int i = 0; i < items.size(); i++) {
                String p = at(key) + "[" + i + "]";
                List<Object> pair = asList(items.get(i), p);
                if (pair.size() != 2) {
                    throw new Bad(p + ": expected [start, length]");
                }
                out.add(new Range(toNumber(pair.get(0), p), toNumber(pair.get(1), p)));
            }
            return out;
        }

        List<Range> optRanges(String key) {
            return map.get(key) == null ? List.of() : ranges(key);
        }

        private static long toNumber(Object v, String path) {
            if (v instanceof Json.RawNumber n && n.text().matches("[0-9]+")) {
                try {
                    return Long.parseLong(n.text());
                } catch (NumberFormatException e) {
                    throw new Bad(path + ": number out of range: " + n.text());
                }
            }
            throw new Bad(path + ": expected a non-negative integer");
        }
    }
}
