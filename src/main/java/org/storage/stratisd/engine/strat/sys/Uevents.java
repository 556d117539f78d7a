package org.storage.stratisd.engine.strat.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.storage.stratisd.engine.strat.dm.DevNum;

/**
 * The synthetic udev "change" event that makes udev's Stratis rule create
 * {@code /dev/stratis/<pool>/<filesystem>} (real-engine spec §5.5): written to the thin device's
 * {@code uevent} file in sysfs, with the pool's and filesystem's names in base32 (RFC 4648,
 * upper case, no padding).
 */
public final class Uevents {

    private final Path sys;

    /**
     * Creates the writer.
     *
     * @param sys the sysfs root ({@code /sys})
     */
    public Uevents(Path sys) {
        this.sys = sys;
    }

    /**
     * Announces a filesystem's names to udev.
     *
     * @param device     the thin device's number
     * @param filesystem the filesystem's UUID
     * @param pool       the pool's name
     * @param name       the filesystem's name
     * @throws IOException if sysfs refuses the event
     */
    public void filesystemChange(DevNum device, UUID filesystem, String pool, String name) throws IOException {
        Files.writeString(sys.resolve("dev/block/" + device + "/uevent"),
                "change " + filesystem + " STRATISPOOLNAME=" + base32(pool) + " STRATISFSNAME=" + base32(name),
                StandardCharsets.UTF_8);
    }

    /**
     * RFC 4648 base32, upper case, without padding.
     *
     * @param text the text (UTF-8)
     * @return its encoding
     */
    public static String base32(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
