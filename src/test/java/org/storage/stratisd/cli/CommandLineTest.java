package org.storage.stratisd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void simSelectsTheSimulatorEngine() throws Exception {
        assertThat(CommandLine.parse("--sim").springArgs()).containsExactly("--stratisd.engine=sim");
    }

    @Test
    void logLevelSetsTheDaemonsLogLevelInBothForms() throws Exception {
        assertThat(CommandLine.parse("--log-level", "debug").springArgs())
                .containsExactly("--logging.level.org.storage.stratisd=debug");
        assertThat(CommandLine.parse("--log-level=WARN").springArgs())
                .containsExactly("--logging.level.org.storage.stratisd=warn");
    }

    @Test
    void rejectsAnUnknownLevelAndAMissingValue() {
        assertThatThrownBy(() -> CommandLine.parse("--log-level", "loud")).hasMessageContaining("invalid value 'loud'");
        assertThatThrownBy(() -> CommandLine.parse("--log-level")).hasMessageContaining("needs a value");
    }

    @Test
    void rejectsUnknownArguments() {
        assertThatThrownBy(() -> CommandLine.parse("--simulate")).hasMessage("unexpected argument '--simulate'");
    }

    @Test
    void helpAndVersionAreRecognisedInShortAndLongForm() throws Exception {
        assertThat(CommandLine.parse("-h").help()).isTrue();
        assertThat(CommandLine.parse("--help").help()).isTrue();
        assertThat(CommandLine.parse("-V").version()).isTrue();
        assertThat(CommandLine.parse("--version").version()).isTrue();
        assertThat(CommandLine.VERSION_LINE).isEqualTo("stratisd 3.9.2");
    }

    @Test
    void passesSettingsThrough() throws Exception {
        assertThat(CommandLine.parse("--stratisd.bus-address=unix:path=/x").springArgs())
                .containsExactly("--stratisd.bus-address=unix:path=/x");
    }
}
