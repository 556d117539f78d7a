package org.storage.stratisd.json;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;

/**
 * The daemon's JSON, through Jackson, in the byte forms upstream's serde_json produces: compact
 * output with no spaces; record components and map entries in their declared or iteration order;
 * integers as written. Reading is strict about types (no coercion of numbers to booleans or
 * strings to numbers, as serde's typed reads) and ignores keys a record does not know, as
 * upstream's structs do.
 *
 * <p>The mapper is immutable once built and shared by every thread.
 */
public final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .build();
    /** Reads one value and leaves what follows to {@link #tree}, which words trailing text as serde_json does. */
    private static final ObjectReader TREE = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** serde_json's default map is ordered by key: re-rendering a parsed document sorts its objects. */
    private static final ObjectWriter SORTED = MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Json() {
    }

    /**
     * The shared mapper, for typed reads and writes of the daemon's records.
     *
     * @return the mapper
     */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Writes a value compactly: records in component order, maps in iteration order.
     *
     * @param value a record, map, list, string, number, boolean or null
     * @return the JSON text
     */
    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /**
     * Parses JSON text into a tree.
     *
     * @param text the text
     * @return the root node
     * @throws JsonException with serde_json's message for the first problem ({@code ... at line L column C})
     */
    public static JsonNode tree(String text) throws JsonException {
        try (JsonParser parser = MAPPER.createParser(text)) {
            if (parser.nextToken() == null) {
                throw new JsonException(SerdeMessages.endOfInput(text));
            }
            JsonNode node = TREE.readTree(parser);
            JsonToken trailing;
            try {
                trailing = parser.nextToken();
            } catch (JacksonException e) {
                trailing = JsonToken.VALUE_NULL;
            }
            if (trailing != null) {
                throw new JsonException(SerdeMessages.at("trailing characters", text, (int) parser.currentTokenLocation().getCharOffset() + 1));
            }
            return node;
        } catch (JacksonException e) {
            throw new JsonException(SerdeMessages.of(e, text));
        }
    }

    /**
     * Parses JSON text into plain values: maps (in the text's key order), lists, strings, numbers
     * (integers of any width), booleans and null.
     *
     * @param text the text
     * @return the value
     * @throws JsonException with serde_json's message if it is not JSON
     */
    public static Object parse(String text) throws JsonException {
        return MAPPER.treeToValue(tree(text), Object.class);
    }

    /**
     * Parses JSON text and renders it again as serde_json would after reading it into its default
     * value type: compact, object keys sorted.
     *
     * @param text the text
     * @return the canonical text
     * @throws JsonException with serde_json's message if it is not JSON
     */
    public static String canonical(String text) throws JsonException {
        return SORTED.writeValueAsString(parse(text));
    }

    /**
     * Reads a typed document.
     *
     * @param data the JSON bytes (UTF-8)
     * @param type the record type
     * @param <T>  the type
     * @return the document
     * @throws JacksonException when the text is not JSON or does not fit the type
     */
    public static <T> T read(byte[] data, Class<T> type) {
        return MAPPER.readValue(new String(data, StandardCharsets.UTF_8), type);
    }

    /** Thrown for text that is not JSON; the message is serde_json's for the same text. */
    public static final class JsonException extends Exception {
        JsonException(String message) {
            super(message);
        }
    }
}
