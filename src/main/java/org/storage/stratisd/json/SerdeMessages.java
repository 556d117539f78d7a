package org.storage.stratisd.json;

import tools.jackson.core.JacksonException;

/**
 * serde_json's wording for text that is not JSON. Clients see these messages (upstream answers a
 * bad Clevis configuration with {@code Serde error: <serde_json's message>}), and Jackson words
 * the same faults differently, so this is the one piece of JSON handling kept by hand: Jackson
 * finds the fault and where it is, this names it as serde_json does, with serde_json's line and
 * column (the column of the offending character, or the number of characters read at the end of
 * the input).
 */
final class SerdeMessages {

    private SerdeMessages() {
    }

    /**
     * The message for a Jackson read failure.
     *
     * @param e    what Jackson reported
     * @param text the text it read
     * @return serde_json's message
     */
    static String of(JacksonException e, String text) {
        String m = String.valueOf(e.getOriginalMessage());
        int offset = e.getLocation() == null ? text.length() : (int) Math.max(0, e.getLocation().getCharOffset());
        if (m.contains("end-of-input")) {
            String what;
            if (m.contains("Object")) {
                what = "EOF while parsing an object";
            } else if (m.contains("Array")) {
                what = "EOF while parsing a list";
            } else if (m.contains("string")) {
                what = "EOF while parsing a string";
            } else {
                what = "EOF while parsing a value";
            }
            return at(what, text, offset);
        }
        String what;
        if (m.startsWith("Unrecognized token")) {
            char c = offset < text.length() ? text.charAt(offset) : ' ';
            what = c == 't' || c == 'f' || c == 'n' ? "expected ident" : "expected value";
        } else if (m.contains("was expecting a colon")) {
            what = "expected `:`";
        } else if (m.contains("separate Object entries")) {
            what = "expected `,` or `}`";
        } else if (m.contains("separate Array entries")) {
            what = "expected `,` or `]`";
        } else if (m.contains("double-quote to start property name")) {
            what = "key must be a string";
        } else if (m.startsWith("Illegal unquoted character")) {
            what = "control character (\\u0000-\\u001F) found while parsing a string";
        } else if (m.startsWith("Unrecognized character escape") || m.contains("escape sequence")) {
            what = "invalid escape";
        } else if (m.contains("numeric value")) {
            what = "invalid number";
        } else if (m.startsWith("Unexpected character")) {
            what = "expected value";
        } else {
            return m;
        }
        return at(what, text, offset + 1);
    }

    /**
     * The message for input that ends before any value.
     *
     * @param text the text
     * @return serde_json's message
     */
    static String endOfInput(String text) {
        return at("EOF while parsing a value", text, text.length());
    }

    /**
     * A message with serde_json's position suffix.
     *
     * @param what    the fault
     * @param text    the text
     * @param through how many characters serde_json has read when it reports the fault
     * @return e.g. {@code expected `:` at line 1 column 6}
     */
    static String at(String what, String text, int through) {
        int line = 1;
        int column = 0;
        for (int i = 0; i < Math.min(through, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 0;
            } else {
                column++;
            }
        }
        return what + " at line " + line + " column " + column;
    }
}
