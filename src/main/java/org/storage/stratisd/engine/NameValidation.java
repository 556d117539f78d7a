package org.storage.stratisd.engine;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Validation of names (pools, filesystems, block-device user info) and of device path lists,
 * with the rules, their order and the exact messages of the Stratis API: the first rule that
 * fails decides the message.
 */
public final class NameValidation {

    private static final int MAX_NAME_BYTES = 255;
    private static final String UDEV_SYMLINK_PUNCTUATION = "#+,-.:=@_/";

    private NameValidation() {
    }

    /**
     * Checks a name against every rule in order.
     *
     * @param name the candidate name
     * @throws EngineException naming the first rule the name breaks
     */
    public static void checkName(String name) throws EngineException {
        if (name.isEmpty()) {
            throw new EngineException("Provided string is empty: " + name);
        }
        if (name.indexOf('\0') >= 0) {
            throw new EngineException("Provided string contains NULL characters: " + name);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new EngineException("Name is . or .. : " + name);
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new EngineException("Provided string has more than 255 bytes: " + name);
        }
        if (isUnicodeWhiteSpace(name.codePointAt(0))
                || isUnicodeWhiteSpace(name.codePointBefore(name.length()))) {
            throw new EngineException("Provided string contains leading or trailing space: " + name);
        }
        if (name.codePoints().anyMatch(cp -> Character.getType(cp) == Character.CONTROL)) {
            throw new EngineException("Provided string contains control characters: " + name);
        }
        if (name.codePoints().anyMatch(cp -> cp < 0x80 && !isUdevSymlinkAscii(cp))) {
            throw new EngineException("Provided string contains characters not allowed in udev symlinks: " + name);
        }
        if (pathComponentCount(name) > 1 || name.startsWith("/")) {
            throw new EngineException("Provided string is a directory path: " + name);
        }
    }

    /**
     * Checks that every path is absolute.
     *
     * @param paths the device paths as given
     * @throws EngineException listing every path that is not absolute
     */
    public static void checkAbsolute(List<String> paths) throws EngineException {
        List<String> relative = paths.stream().filter(p -> !p.startsWith("/")).toList();
        if (!relative.isEmpty()) {
            throw new EngineException("Paths{" + String.join(", ", relative) + "} are not absolute");
        }
    }

    private static boolean isUdevSymlinkAscii(int cp) {
        return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z')
                || UDEV_SYMLINK_PUNCTUATION.indexOf(cp) >= 0;
    }

    /** The Unicode White_Space property, which is wider than {@link Character#isWhitespace}. */
    private static boolean isUnicodeWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    /**
     * Counts path components the way a normalising path parser does: empty segments vanish, and so
     * does a {@code .} anywhere but at the start; a trailing slash adds nothing.
     */
    private static int pathComponentCount(String name) {
        String[] segments = name.split("/");
        int count = 0;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty() || (segment.equals(".") && i > 0)) {
                continue;
            }
            count++;
        }
        return count;
    }
}
