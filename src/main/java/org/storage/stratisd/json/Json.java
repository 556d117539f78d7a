package org.storage.stratisd.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small JSON reader and writer for the daemon's reports, metadata and Clevis configurations.
 * Values are Java objects: {@link Map} (object; written in its iteration order), {@link List}
 * (array), {@link String}, {@link Number} ({@link RawNumber} keeps a parsed number's text),
 * {@link Boolean}, and {@code null}. Output is compact, with no spaces, as serde_json writes it;
 * parsed objects come back with their keys sorted, as serde_json's default map keeps them.
 */
public final class Json {

    private Json() {
    }

    /**
     * A number as it was written in parsed text.
     *
     * @param text the literal
     */
    public record RawNumber(String text) {
    }

    /**
     * Writes a value as compact JSON.
     *
     * @param value the value
     * @return the JSON text
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(out, s);
            case Boolean b -> out.append(b);
            case RawNumber n -> out.append(n.text());
            case Long n -> out.append(n);
            case Integer n -> out.append(n);
            case BigInteger n -> out.append(n);
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(out, e.getKey().toString());
                    out.append(':');
                    write(out, e.getValue());
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(out, list.get(i));
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("Not a JSON value: " + value.getClass().getName());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Parses JSON text.
     *
     * @param text the text
     * @return the value
     * @throws JsonException with a serde_json-style message ({@code ... at line L column C})
     */
    public static Object parse(String text) throws JsonException {
        Parser parser = new Parser(text);
        parser.skipWhitespace();
        Object value = parser.value();
        parser.skipWhitespace();
        if (!parser.atEnd()) {
            throw parser.error("trailing characters");
        }
        return value;
    }

    /** Thrown for text that is not JSON. */
    public static final class JsonException extends Exception {
        JsonException(String message) {
            super(message);
        }
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        void skipWhitespace() {
            while (!atEnd() && " \t\n\r".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
        }

        JsonException error(String what) {
            int line = 1;
            int column = 0;
            for (int i = 0; i < Math.min(pos, text.length()); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    column = 0;
                } else {
                    column++;
                }
            }
            if (!atEnd()) {
                column++;
            }
            return new JsonException(what + " at line " + line + " column " + column);
        }

        Object value() throws JsonException {
            if (atEnd()) {
                throw error("EOF while parsing a value");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("expected value");
                }
            };
        }

        private Object literal(String word, Object value) throws JsonException {
            if (!text.startsWith(word, pos)) {
                throw error("expected ident");
            }
            pos += word.length();
            return value;
        }

        private Object number() throws JsonException {
            int start = pos;
            if (text.charAt(pos) == '-') {
                pos++;
            }
            int digits = pos;
            while (!atEnd() && "0123456789.eE+-".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            if (pos == digits) {
                throw error("invalid number");
            }
            return new RawNumber(text.substring(start, pos));
        }

        private String string() throws JsonException {
            pos++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    throw error("EOF while parsing a string");
                }
                char c = text.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    if (atEnd()) {
                        throw error("EOF while parsing a string");
                    }
                    char e = text.charAt(pos++);
                    switch (e) {
                        case '"', '\\', '/' -> out.append(e);
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case 'u' -> {
                            if (pos + 4 > text.length()) {
                                throw error("EOF while parsing a string");
                            }
                            try {
                                out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                            } catch (NumberFormatException ex) {
                                throw error("invalid escape");
                            }
                            pos += 4;
                        }
                        default -> throw error("invalid escape");
                    }
                } else if (c < 0x20) {
                    throw error("control character (\\u0000-\\u001F) found while parsing a string");
                } else {
                    out.append(c);
                }
            }
        }

        private List<Object> array() throws JsonException {
            pos++;
            List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (!atEnd() && text.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value());
                skipWhitespace();
                if (atEnd()) {
                    throw error("EOF while parsing a list");
                }
                char c = text.charAt(pos++);
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected `,` or `]`");
                }
            }
        }

        private Map<String, Object> object() throws JsonException {
            pos++;
            Map<String, Object> map = new TreeMap<>();
            skipWhitespace();
            if (!atEnd() && text.charAt(pos) == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (atEnd()) {
                    throw error("EOF while parsing an object");
                }
                if (text.charAt(pos) != '"') {
                    throw error("key must be a string");
                }
                String key = string();
                skipWhitespace();
                if (atEnd() || text.charAt(pos) != ':') {
                    throw error(atEnd() ? "EOF while parsing an object" : "expected `:`");
                }
                pos++;
                skipWhitespace();
                map.put(key, value());
                skipWhitespace();
                if (atEnd()) {
                    throw error("EOF while parsing an object");
                }
                char c = text.charAt(pos++);
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected `,` or `}`");
                }
            }
        }
    }
}
