package org.storage.stratisd.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storage.stratisd.engine.strat.Fixtures;
import org.storage.stratisd.json.Json;

/** The dump tool on upstream's devices, damaged copies of them and things that are not Stratis devices. */
class DumpMetadataTest {

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DumpMetadata.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path file(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    @Test
    void anUpstreamDeviceDumpsCleanlyInBothForms() throws Exception {
        Path loop0 = file("loop0.img", Fixtures.dump("p1/loop0-first16MiB.bin.gz"));

        Result text = run(loop0.toString());
        assertThat(text.status()).isZero();
        assertThat(text.out()).contains("Signature block, sector 1: valid", "Signature block, sector 9: valid",
                "pool_uuid: d738f9db-9ae3-4b4c-968f-aedcb51943b1", "Signature block, sector 1: valid, crc32c 0xbc5428e8",
                "region 0 at byte 8192: ok, 941 bytes, updated 2026-11-26T11:53:53.080687170Z",
                "Pool metadata (region 0):", "\"name\":\"p1\"").doesNotContain("Problem");

        Result json = run(loop0.toString(), "--json");
        assertThat(json.status()).isZero();
        Map<?, ?> dump = (Map<?, ?>) Json.parse(json.out());
        assertThat(dump.get("problems")).isEqualTo(List.of());
        assertThat(((Map<?, ?>) dump.get("pool_metadata"))).isEqualTo(Fixtures.json("p1/loop0-first16MiB.mda.json"));
        assertThat(((List<?>) dump.get("metadata_regions"))).hasSize(4);
    }

    @Test
    void damageIsPrintedWithWhatCouldStillBeReadAndFailsTheRun() throws Exception {
        byte[] bytes = Fixtures.dump("p1/loop1-first16MiB.bin.gz");
        bytes[9 * 512 + 50] ^= 1;
        bytes[8192 + 40] ^= 1;
        Path damaged = file("damaged.img", bytes);
        byte[] before = Files.readAllBytes(damaged);

        Result text = run(damaged.toString());
        assertThat(text.status()).isEqualTo(1);
        assertThat(text.out()).contains("Signature block, sector 1: valid", "Signature block, sector 9: bad CRC",
                "region 0 at byte 8192: damaged", "Pool metadata (region 2):",
                "Problem: " + damaged + ": the copy in sector 9 is damaged (header CRC invalid",
                "Problem: " + damaged + ": metadata region 0: data CRC invalid");
        assertThat(Files.readAllBytes(damaged)).as("the tool only reads").isEqualTo(before);
    }

    @Test
    void foreignEmptyMissingAndBadArguments() throws Exception {
        Result zeros = run(file("zeros.img", new byte[1 << 20]).toString());
        assertThat(zeros.status()).isEqualTo(1);
        assertThat(zeros.out()).contains("Signature block, sector 1: no signature block", "is not a Stratis device");

        Result tiny = run(file("tiny.img", new byte[100]).toString());
        assertThat(tiny.status()).isEqualTo(1);
        assertThat(tiny.out()).contains("Problem: " + dir.resolve("tiny.img"));

        Result missing = run(dir.resolve("nope").toString(), "--json");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(((List<?>) ((Map<?, ?>) Json.parse(missing.out())).get("problems")).getFirst().toString()).contains("nope");

        assertThat(run().status()).isEqualTo(2);
        assertThat(run("a", "b").err()).contains("Usage: stratisd dump-metadata DEVICE_OR_FILE [--json]");
    }
}
