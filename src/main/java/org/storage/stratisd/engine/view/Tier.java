package org.storage.stratisd.engine.view;

/** The tier a block device serves in its pool; the ordinal is the D-Bus {@code Tier} value. */
public enum Tier {
    DATA,
    CACHE
}
