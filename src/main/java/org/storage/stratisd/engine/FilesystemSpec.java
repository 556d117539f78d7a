package org.storage.stratisd.engine;

import java.math.BigInteger;
import java.util.Optional;

/**
 * A filesystem a client asked to create.
 *
 * @param name           its name, not yet validated
 * @param sizeBytes      requested size in bytes, or empty for the default
 * @param sizeLimitBytes requested size limit in bytes, or empty for none
 */
public record FilesystemSpec(String name, Optional<BigInteger> sizeBytes, Optional<BigInteger> sizeLimitBytes) {
}
