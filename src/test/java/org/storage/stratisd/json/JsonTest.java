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
    void parsedObjectsComeBackWithSortedKeysAndNumbersAsWritten() throws Exception {
        assertThat(Json.write(Json.parse(" { \"url\" : \"http://t\", \"thp\": \"abc\", \"n\": -1.5e3 } ")))
                .isEqualTo("{\"n\":-1.5e3,\"thp\":\"abc\",\"url\":\"http://t\"}");
    }

    @Test
    void reportsWhereTheTextStopsBeingJson() {
        assertThatThrownBy(() -> Json.parse("")).hasMessage("EOF while parsing a value at line 1 column 0");
        assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).hasMessage("trailing characters at line 1 column 9");
        assertThatThrownBy(() -> Json.parse("nope")).hasMessage("expected ident at line 1 column 1");
        assertThatThrownBy(() -> Json.parse("{\"a\" 1}")).hasMessage("expected `:` at line 1 column 6");
    }
}
