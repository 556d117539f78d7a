package org.storage.stratisd.dbus.api.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import org.freedesktop.dbus.types.UInt32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArgsTest {

    private static final UUID U = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    @ParameterizedTest
    @ValueSource(strings = {"0f1e2d3c4b5a69788796a5b4c3d2e1f0", "0F1E2D3C4B5A69788796A5B4C3D2E1F0",
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}",
            "urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"})
    void acceptsEveryUuidFormUpstreamAccepts(String text) throws Exception {
        assertThat(Args.uuid(text)).isEqualTo(U);
    }

    @Test
    void rejectsMalformedUuidsWithAUuidError() {
        assertThatThrownBy(() -> Args.uuid("abc")).hasMessage("Uuid error: invalid length: expected length 32 for simple format, found 3");
        assertThatThrownBy(() -> Args.uuid("x0f1e2d3c4b5a69788796a5b4c3d2e1f"))
                .hasMessageStartingWith("Uuid error: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `x` at 1");
    }

    /** Found by an outside fuzzer: GrowPhysicalDevice took a device UUID in Arabic-Indic digits. */
    @ParameterizedTest
    @ValueSource(strings = {"\u0661", "\u0967", "\uff11", "\u09e7"})
    void rejectsUuidsWrittenInNonAsciiDigits(String digit) {
        String simple = digit.repeat(32);
        assertThatThrownBy(() -> Args.uuid(simple)).hasMessage("Uuid error: invalid character: expected an optional prefix of"
                + " `urn:uuid:` followed by [0-9a-fA-F-], found `" + digit + "` at 1");
        String hyphenated = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f" + digit;
        assertThatThrownBy(() -> Args.uuid(hyphenated)).hasMessageEndingWith("found `" + digit + "` at 36");
        assertThatThrownBy(() -> Args.u128(digit + "512", "not a size")).hasMessage("not a size");
    }

    @Test
    void sizesAreUnsigned128BitDecimals() throws Exception {
        assertThat(Args.u128("340282366920938463463374607431768211455", "m")).isEqualTo(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
        assertThatThrownBy(() -> Args.u128("340282366920938463463374607431768211456", "too big")).hasMessage("too big");
        assertThatThrownBy(() -> Args.u128("-1", "negative")).hasMessage("negative");
        assertThatThrownBy(() -> Args.u128("", "empty")).hasMessage("empty");
    }

    @Test
    void encryptionRequestsRefuseAnExplicitSlotTwiceAndBadJson() {
        Object key = new Object[] {new Object[] {true, new UInt32(3)}, "k1"};
        Object clevis = new Object[] {new Object[] {true, new UInt32(3)}, "tang", "{}"};
        assertThatThrownBy(() -> Args.encryption(List.of(key), List.of(clevis))).hasMessage("Token slot 3 already taken");
        Object badJson = new Object[] {new Object[] {false, new UInt32(0)}, "tang", "{"};
        assertThatThrownBy(() -> Args.encryption(List.of(), List.of(badJson)))
                .hasMessage("Serde error: EOF while parsing an object at line 1 column 1");
    }
}
