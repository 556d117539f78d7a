package org.storage.stratisd.engine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NameValidationTest {

    @ParameterizedTest
    @ValueSource(strings = {"...", "ok.name", "p1", "a,b", "x+y-z:w=v@u_t#s", "abc/", "ユニコード", "☺", "ℝ", "a/."})
    void acceptsNamesTheSpecAllows(String name) {
        assertThatCode(() -> NameValidation.checkName(name)).doesNotThrowAnyException();
    }

    @Test
    void acceptsTheLongestFourByteName() {
        assertThatCode(() -> NameValidation.checkName("\uD800\uDF0F".repeat(63))).doesNotThrowAnyException();
    }

    @Test
    void rejectsAFourByteNameOverTheLimit() {
        String name = "\uD800\uDF0F".repeat(64);
        assertThatThrownBy(() -> NameValidation.checkName(name))
                .hasMessage("Provided string has more than 255 bytes: " + name);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a b|Provided string contains characters not allowed in udev symlinks: a b",
            "x!|Provided string contains characters not allowed in udev symlinks: x!",
            "$|Provided string contains characters not allowed in udev symlinks: $",
            "./a|Provided string is a directory path: ./a",
            "/dev/sdb|Provided string is a directory path: /dev/sdb",
            "/|Provided string is a directory path: /",
            "a/b|Provided string is a directory path: a/b",
            ".|Name is . or .. : .",
            "..|Name is . or .. : ..",
    })
    void rejectsWithTheFirstBrokenRule(String name, String message) {
        assertThatThrownBy(() -> NameValidation.checkName(name)).isInstanceOf(EngineException.class).hasMessage(message);
    }

    @Test
    void rejectsEmptyNulWhitespaceAndControlInThatOrder() {
        assertThatThrownBy(() -> NameValidation.checkName("")).hasMessage("Provided string is empty: ");
        assertThatThrownBy(() -> NameValidation.checkName("a\0 ")).hasMessage("Provided string contains NULL characters: a\0 ");
        assertThatThrownBy(() -> NameValidation.checkName("\u3000abc"))
                .hasMessage("Provided string contains leading or trailing space: \u3000abc");
        assertThatThrownBy(() -> NameValidation.checkName("a\u0007b"))
                .hasMessage("Provided string contains control characters: a\u0007b");
    }

    @Test
    void listsEveryRelativePath() {
        assertThatThrownBy(() -> NameValidation.checkAbsolute(List.of("/dev/a", "sdb", "x/y")))
                .hasMessage("Paths{sdb, x/y} are not absolute");
        assertThatCode(() -> NameValidation.checkAbsolute(List.of("/dev/a"))).doesNotThrowAnyException();
    }
}
