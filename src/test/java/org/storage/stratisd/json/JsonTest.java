package org.storage.stratisd.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesCompactlyInMapOrderWithEscapes() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("b", List.of(1L, true, "x\"y\n"));
        value.put("a", null);
        assertThat(Json.write(value)).isEqualTo("{\"b\":[1,true,\"x\\\"y\\n\"],\"a\":null}");
    }

    @Test
    void aCanonicalDocumentHasSortedKeysAtEveryLevelAndNumbersAsSerdeWritesThem() throws Exception {
        assertThat(Json.canonical(" { \"url\" : \"http://t\", \"thp\": {\"z\": [1, {\"b\": 2, \"a\": 1}], \"y\": null},"
                + " \"n\": -1.5e3, \"big\": 123456789012345678901234567890 } "))
                .isEqualTo("{\"big\":123456789012345678901234567890,\"n\":-1500.0,\"thp\":{\"y\":null,\"z\":[1,{\"a\":1,\"b\":2}]},"
                        + "\"url\":\"http://t\"}");
    }

    @Test
    void parsedObjectsKeepTheTextsKeyOrder() throws Exception {
        assertThat(Json.write(Json.parse("{\"b\":1,\"a\":[true,\"s\"]}"))).isEqualTo("{\"b\":1,\"a\":[true,\"s\"]}");
    }

    @Test
    void reportsWhereTheTextStopsBeingJson() {
        assertThatThrownBy(() -> Json.parse("")).hasMessage("EOF while parsing a value at line 1 column 0");
        assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).hasMessage("trailing characters at line 1 column 9");
        assertThatThrownBy(() -> Json.parse("nope")).hasMessage("expected ident at line 1 column 1");
        assertThatThrownBy(() -> Json.parse("{\"a\" 1}")).hasMessage("expected `:` at line 1 column 6");
        assertThatThrownBy(() -> Json.parse("{")).hasMessage("EOF while parsing an object at line 1 column 1");
        assertThatThrownBy(() -> Json.parse("[1,\n2")).hasMessage("EOF while parsing a list at line 2 column 1");
        assertThatThrownBy(() -> Json.parse("{\"a\":\"b")).hasMessage("EOF while parsing a string at line 1 column 7");
        assertThatThrownBy(() -> Json.parse("[1 2]")).hasMessage("expected `,` or `]` at line 1 column 4");
        assertThatThrownBy(() -> Json.parse("{\"a\":1 \"b\"}")).hasMessage("expected `,` or `}` at line 1 column 8");
        assertThatThrownBy(() -> Json.parse("{1:2}")).hasMessage("key must be a string at line 1 column 2");
        assertThatThrownBy(() -> Json.parse("{\"a\":\"\\q\"}")).hasMessage("invalid escape at line 1 column 8");
    }
}
