package org.storage.stratisd.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.storage.stratisd.engine.strat.device.BlockAccess;
import org.storage.stratisd.engine.strat.device.FileBlockAccess;
import org.storage.stratisd.engine.strat.metadata.MdaRegionHeader;
import org.storage.stratisd.engine.strat.metadata.MetadataArea;
import org.storage.stratisd.engine.strat.metadata.SignatureBlock;
import org.storage.stratisd.engine.strat.metadata.StaticHeader;
import org.storage.stratisd.engine.strat.serde.PoolSaveCodec;
import org.storage.stratisd.json.Json;

/**
 * {@code dump-metadata DEVICE_OR_FILE [--json]}: prints a Stratis device's signature blocks (both
 * copies, with their CRC status), its four metadata-region headers and its newest pool metadata,
 * as upstream's {@code stratis-dumpmetadata} does. It opens the device read-only and never
 * repairs anything. Exit status: 0 when everything checks, 1 when the device is not a Stratis
 * device or something is damaged (what could be read is still printed, and the reasons),
 * 2 on a bad command line.
 */
public final class DumpMetadata {

    /** The sub-command's name on the daemon's command line. */
    public static final String COMMAND = "dump-metadata";
    private static final String USAGE = "Usage: stratisd " + COMMAND + " DEVICE_OR_FILE [--json]";

    private DumpMetadata() {
    }

    /**
     * Runs the tool.
     *
     * @param args its arguments (after the sub-command)
     * @param out  where the dump goes
     * @param err  where usage errors go
     * @return the exit status
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        boolean json = args.contains("--json");
        List<String> paths = args.stream().filter(a -> !a.equals("--json")).toList();
        if (paths.size() != 1 || paths.getFirst().startsWith("-")) {
            err.println(USAGE);
            return 2;
        }
        Map<String, Object> dump = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        dump(Path.of(paths.getFirst()), dump, problems);
        dump.put("problems", problems);
        out.print(json ? Json.write(dump) + "\n" : text(dump));
        return problems.isEmpty() ? 0 : 1;
    }

    private static void dump(Path path, Map<String, Object> dump, List<String> problems) {
        dump.put("device", path.toString());
        try (BlockAccess device = FileBlockAccess.openReadOnly(path)) {
            dump.put("size_bytes", device.sizeBytes());
            StaticHeader.Copies copies = StaticHeader.readCopies(device);
            List<Object> sigblocks = new ArrayList<>();
            sigblocks.add(copy(1, copies.first()));
            sigblocks.add(copy(9, copies.second()));
            dump.put("signature_blocks", sigblocks);
            switch (StaticHeader.resolve(copies)) {
                case StaticHeader.Outcome.NotStratis n -> {
                    problems.add(path + " is not a Stratis device: neither sector 1 nor sector 9 holds a signature block");
                    return;
                }
                case StaticHeader.Outcome.Damaged d -> {
                    problems.add(path + ": " + d.reason());
                    return;
                }
                case StaticHeader.Outcome.Usable u -> {
                    dump.put("signature_block_in_force", fields(u.block()));
                    u.reason().ifPresent(r -> problems.add(path + ": " + r + "; stratisd would rewrite it from the other copy"));
                }
            }
            MetadataArea.State state = MetadataArea.read(device);
            List<Object> regions = new ArrayList<>();
            for (MetadataArea.Region region : state.regions()) {
                regions.add(region(region));
                if (!region.error().isEmpty()) {
                    problems.add(path + ": metadata region " + region.index() + ": " + region.error());
                }
            }
            dump.put("metadata_regions", regions);
            Optional<MetadataArea.Region> newest = state.newest();
            if (newest.isPresent()) {
                dump.put("newest_region", newest.get().index());
                byte[] data = newest.get().data().orElseThrow();
                try {
                    PoolSaveCodec.parse(data);
                    dump.put("pool_metadata", Json.parse(new String(data, StandardCharsets.UTF_8)));
                } catch (PoolSaveCodec.FormatException | Json.JsonException e) {
                    dump.put("pool_metadata_text", new String(data, StandardCharsets.UTF_8));
                    problems.add(path + ": metadata region " + newest.get().index() + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            problems.add(path + ": " + e.getMessage());
        } catch (org.storage.stratisd.engine.strat.metadata.MetadataException e) {
            problems.add(e.getMessage());
        }
    }

    private static Map<String, Object> copy(int sector, SignatureBlock.Decoded decoded) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sector", sector);
        switch (decoded) {
            case SignatureBlock.Decoded.Valid v -> {
                m.put("status", "valid");
                m.put("fields", fields(v.block()));
                m.put("crc32c", String.format("0x%08x", SignatureBlock.storedCrc(v.bytes())));
            }
            case SignatureBlock.Decoded.BadCrc c -> {
                m.put("status", "bad CRC");
                m.put("crc_stored", String.format("0x%08x", c.stored()));
                m.put("crc_computed", String.format("0x%08x", c.computed()));
            }
            case SignatureBlock.Decoded.Invalid i -> {
                m.put("status", "invalid");
                m.put("reason", i.reason());
            }
            case SignatureBlock.Decoded.NoMagic n -> m.put("status", "no signature block");
        }
        return m;
    }

    private static Map<String, Object> fields(SignatureBlock b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pool_uuid", b.poolUuid().toString());
        m.put("device_uuid", b.deviceUuid().toString());
        m.put("blkdev_size_sectors", b.sizeSectors());
        m.put("version", b.version());
        m.put("mda_size_sectors", b.mdaSizeSectors());
        m.put("reserved_size_sectors", b.reservedSizeSectors());
        m.put("flags", b.flags());
        m.put("initialization_time", b.initTimeSeconds());
        m.put("initialization_time_utc", Instant.ofEpochSecond(b.initTimeSeconds()).toString());
        return m;
    }

    private static Map<String, Object> region(MetadataArea.Region region) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", region.index());
        m.put("offset_bytes", region.offset());
        if (region.header().isEmpty()) {
            m.put("status", "damaged");
            m.put("reason", region.error());
            return m;
        }
        MdaRegionHeader h = region.header().get();
        m.put("used", h.used());
        if (h.isEmpty()) {
            m.put("status", "never written");
            return m;
        }
        m.put("last_updated", h.time().orElseThrow().toString());
        m.put("data_crc32c", String.format("0x%08x", h.dataCrc()));
        m.put("status", region.usable() ? "ok" : "damaged");
        if (!region.usable()) {
            m.put("reason", region.error());
        }
        return m;
    }

    private static String text(Map<String, Object> dump) {
        StringBuilder out = new StringBuilder();
        out.append("Device: ").append(dump.get("device"));
        if (dump.containsKey("size_bytes")) {
            out.append(" (").append(dump.get("size_bytes")).append(" bytes)");
        }
        out.append('\n');
        if (dump.get("signature_blocks") instanceof List<?> copies) {
            for (Object o : copies) {
                Map<?, ?> c = (Map<?, ?>) o;
                out.append("Signature block, sector ").append(c.get("sector")).append(": ").append(c.get("status"));
                if (c.containsKey("crc32c")) {
                    out.append(", crc32c ").append(c.get("crc32c"));
                }
                if (c.containsKey("crc_stored")) {
                    out.append(" (stored ").append(c.get("crc_stored")).append(", computed ").append(c.get("crc_computed")).append(')');
                }
                if (c.containsKey("reason")) {
                    out.append(" (").append(c.get("reason")).append(')');
                }
                out.append('\n');
                if (c.get("fields") instanceof Map<?, ?> f) {
                    f.forEach((k, v) -> out.append("    ").append(k).append(": ").append(v).append('\n'));
                }
            }
        }
        if (dump.get("metadata_regions") instanceof List<?> regions) {
            out.append("Metadata regions:\n");
            for (Object o : regions) {
                Map<?, ?> r = (Map<?, ?>) o;
                out.append("    region ").append(r.get("index")).append(" at byte ").append(r.get("offset_bytes")).append(": ")
                        .append(r.get("status"));
                if (r.containsKey("used") && !"never written".equals(r.get("status"))) {
                    out.append(", ").append(r.get("used")).append(" bytes, updated ").append(r.get("last_updated"))
                            .append(", data CRC ").append(r.get("data_crc32c"));
                }
                if (r.containsKey("reason")) {
                    out.append(" (").append(r.get("reason")).append(')');
                }
                out.append('\n');
            }
        }
        if (dump.containsKey("pool_metadata")) {
            out.append("Pool metadata (region ").append(dump.get("newest_region")).append("):\n")
                    .append(Json.write(dump.get("pool_metadata"))).append('\n');
        } else if (dump.containsKey("pool_metadata_text")) {
            out.append("Pool metadata (region ").append(dump.get("newest_region")).append(", not valid):\n")
                    .append(dump.get("pool_metadata_text")).append('\n');
        } else if (dump.containsKey("metadata_regions")) {
            out.append("Pool metadata: none written\n");
        }
        for (Object p : (List<?>) dump.get("problems")) {
            out.append("Problem: ").append(p).append('\n');
        }
        return out.toString();
    }
}
