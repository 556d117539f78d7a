package org.storage.stratisd.engine.strat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.storage.stratisd.json.Json;

/** Loads the upstream fixtures of {@code src/test/resources/vectors}. */
public final class Fixtures {

    private Fixtures() {
    }

    /**
     * A gzip-compressed dump, uncompressed.
     *
     * @param path under {@code vectors/}
     * @return the bytes
     */
    public static byte[] dump(String path) {
        try (InputStream in = new GZIPInputStream(open(path))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A text file.
     *
     * @param path under {@code vectors/}
     * @return its text
     */
    public static String text(String path) {
        try (InputStream in = open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A JSON file, parsed.
     *
     * @param path under {@code vectors/}
     * @return the value
     */
    public static Object json(String path) {
        try {
            return Json.parse(text(path));
        } catch (Json.JsonException e) {
            throw new IllegalStateException(path + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(String path) throws IOException {
        InputStream in = Fixtures.class.getResourceAsStream("/vectors/" + path);
        if (in == null) {
            throw new IOException("no fixture vectors/" + path);
        }
        return in;
    }
}
