package org.storage.stratisd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The settings bind the same way with no configuration file (the defaults in the record, as in a
 * container started without one) and with the top-level {@code application.yml}.
 */
class StratisdPropertiesTest {

    @Test
    void theRecordsDefaultsBindWithoutAnySetting() {
        StratisdProperties p = bind(Map.of());
        assertThat(p.engine()).isEqualTo(EngineKind.REAL);
        assertThat(p.real().executablePath()).containsExactly(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/bin"),
                Path.of("/bin"));
        assertThat(p.real().checkInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.real().blkid()).isEqualTo("blkid");
    }

    @Test
    void applicationYmlSaysWhatTheDefaultsSay() throws IOException {
        List<PropertySource<?>> yml = new YamlPropertySourceLoader().load("application.yml",
                new FileSystemResource(Path.of("application.yml")));
        StratisdProperties fromFile = new Binder(ConfigurationPropertySources.from(yml)).bindOrCreate("stratisd",
                StratisdProperties.class);
        assertThat(fromFile).isEqualTo(bind(Map.of()));
    }

    @Test
    void aSettingOnTheCommandLineReplacesTheSearchPathAndTheInterval() {
        StratisdProperties p = bind(Map.of("stratisd.real.executable-path", "/opt/tools,/usr/sbin",
                "stratisd.real.check-interval", "1h"));
        assertThat(p.real().executablePath()).containsExactly(Path.of("/opt/tools"), Path.of("/usr/sbin"));
        assertThat(p.real().checkInterval()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aZeroIntervalIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> bind(Map.of("stratisd.real.check-interval", "0s")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("stratisd.real.check-interval must be positive");
    }

    private static StratisdProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("stratisd", StratisdProperties.class);
    }
}
