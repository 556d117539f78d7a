package org.storage.stratisd.engine.strat.serde;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.storage.stratisd.json.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * Reads and writes {@link PoolSave} documents as upstream does: compact JSON, keys in the order
 * of spec §3.3, optional members omitted when absent or empty. Reading ignores keys it does not
 * know (as upstream's serde does) and fails, naming the key path, on a missing required key or a
 * value of the wrong type. Sizes are unsigned: a negative number is refused like any non-integer.
 */
public final class PoolSaveCodec {

    /** The shared mapper with the metadata's number and UUID readers. */
    private static final JsonMapper MAPPER = Json.mapper().rebuild()
            .addModule(new SimpleModule("stratis-metadata")
                    .addDeserializer(Long.TYPE, new SectorReader())
                    .addDeserializer(Long.class, new SectorReader())
                    .addDeserializer(UUID.class, new UuidReader()))
            .build();

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
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            Json.tree(text);
        } catch (Json.JsonException e) {
            throw new FormatException("pool metadata is not JSON: " + e.getMessage());
        }
        try {
            return MAPPER.readValue(text, PoolSave.class);
        } catch (DatabindException e) {
            throw new FormatException("pool metadata: " + describe(e));
        } catch (JacksonException e) {
            throw new FormatException("pool metadata: " + e.getOriginalMessage());
        }
    }

    /**
     * Writes a document as upstream serialises it.
     *
     * @param save the document
     * @return compact JSON, UTF-8
     */
    public static byte[] write(PoolSave save) {
        return MAPPER.writeValueAsBytes(save);
    }

    /**
     * The document as JSON values, keys in upstream's order (for reports that embed it).
     *
     * @param save the document
     * @return an ordered map
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toJson(PoolSave save) {
        return MAPPER.convertValue(save, Map.class);
    }

    /** The key path of a failure and what was wrong there, e.g. {@code backstore.cap.allocs[0]: expected [start, length]}. */
    private static String describe(DatabindException e) {
        StringBuilder path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String where = path.isEmpty() ? "the document" : path.toString();
        String message = String.valueOf(e.getOriginalMessage());
        if (message.startsWith("Missing required creator property")) {
            return where + ": missing";
        }
        if (message.startsWith(SectorReader.REFUSAL) || message.startsWith(UuidReader.REFUSAL)
                || message.startsWith(RangeReader.REFUSAL)) {
            return where + ": " + message;
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Class<?> type = m.getTargetType();
            if (type == Boolean.class || type == Boolean.TYPE) {
                return where + ": expected true or false";
            }
            if (type == String.class) {
                return where + ": expected a string";
            }
            if (List.class.isAssignableFrom(type)) {
                return where + ": expected an array";
            }
            if (type.isRecord()) {
                return where + ": expected an object";
            }
        }
        return where + ": " + message;
    }

    /** Sector counts and offsets: non-negative JSON integers only, as upstream's {@code u64}. */
    private static final class SectorReader extends StdDeserializer<Long> {
        static final String REFUSAL = "expected a non-negative integer";

        SectorReader() {
            super(Long.class);
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                long value = p.getLongValue();
                if (value >= 0) {
                    return value;
                }
            }
            return (Long) ctxt.reportInputMismatch(Long.class, REFUSAL);
        }
    }

    /** UUIDs in the hyphenated form upstream writes, or the simple form its reader also takes. */
    private static final class UuidReader extends StdDeserializer<UUID> {
        static final String REFUSAL = "not a UUID";

        UuidReader() {
            super(UUID.class);
        }

        @Override
        public UUID deserialize(JsonParser p, DeserializationContext ctxt) {
            String text = p.currentToken() == JsonToken.VALUE_STRING ? p.getString() : String.valueOf(p.getString());
            String hyphenated = text.length() == 32 && text.matches("[0-9a-fA-F]{32}")
                    ? text.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5") : text;
            if (hyphenated.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
                return UUID.fromString(hyphenated);
            }
            return (UUID) ctxt.reportInputMismatch(UUID.class, REFUSAL + ": %s", text);
        }
    }

    /** A {@code [start, length]} pair: exactly two non-negative integers. */
    static final class RangeReader extends StdDeserializer<PoolSave.Range> {
        static final String REFUSAL = "expected [start, length]";

        RangeReader() {
            super(PoolSave.Range.class);
        }

        @Override
        public PoolSave.Range deserialize(JsonParser p, DeserializationContext ctxt) {
            long[] pair = new long[2];
            int n = 0;
            if (p.currentToken() == JsonToken.START_ARRAY) {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t != JsonToken.VALUE_NUMBER_INT || n == 2 || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                            || p.getLongValue() < 0) {
                        return (PoolSave.Range) ctxt.reportInputMismatch(PoolSave.Range.class, REFUSAL);
                    }
                    pair[n++] = p.getLongValue();
                }
            }
            if (n != 2) {
                return (PoolSave.Range) ctxt.reportInputMismatch(PoolSave.Range.class, REFUSAL);
            }
            return new PoolSave.Range(pair[0], pair[1]);
        }
    }
}
