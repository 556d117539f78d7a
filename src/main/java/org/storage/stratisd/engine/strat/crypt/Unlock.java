package org.storage.stratisd.engine.strat.crypt;

import java.util.Optional;

/**
 * How {@code StartPool} unlocks an encrypted pool: with the key of a keyring token (the one in the
 * slot named, or any), or with a passphrase the caller passed (then tried on the named token's
 * keyslot, or on every keyslot).
 *
 * @param tokenSlot  the token slot named; empty for any
 * @param passphrase the passphrase passed, if one was; owned by the caller, who clears it
 */
public record Unlock(Optional<Long> tokenSlot, Optional<byte[]> passphrase) {
}
