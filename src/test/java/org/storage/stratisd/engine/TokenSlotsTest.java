package org.storage.stratisd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.storage.stratisd.engine.view.Encryption;
import org.storage.stratisd.engine.view.TokenBinding;

class TokenSlotsTest {

    private static TokenSlots slots(Map<Long, TokenBinding> bindings) {
        return new TokenSlots(new Encryption(new TreeMap<>(bindings)));
    }

    private static final TokenBinding.Key K1 = new TokenBinding.Key("k1");
    private static final TokenBinding.Clevis TANG = new TokenBinding.Clevis("tang", "{\"url\":\"http://t\"}");

    @Test
    void freeSlotIsTheSmallestUnusedOne() {
        assertThat(slots(Map.of()).freeSlot()).isZero();
        assertThat(slots(Map.of(0L, K1, 2L, TANG)).freeSlot()).isEqualTo(1);
    }

    @Test
    void requestsTakeTheirExplicitSlotsOrTheNextFreeAndCheckTheKeyring() throws EngineException {
        EncryptionRequest request = new EncryptionRequest(List.of(
                new EncryptionRequest.Requested(Optional.empty(), K1),
                new EncryptionRequest.Requested(Optional.of(5L), TANG)));
        assertThat(TokenSlots.fromRequest(request, d -> true).slots()).containsExactly(Map.entry(0L, K1), Map.entry(5L, TANG));
        assertThatThrownBy(() -> TokenSlots.fromRequest(request, d -> false)).hasMessage("Key k1 was not found in the keyring");
        assertThat(TokenSlots.fromRequest(request, null).slots()).hasSize(2);
    }

    @Test
    void bindKeyringFollowsTheExplicitUnspecifiedAndLegacyRules() throws EngineException {
        TokenSlots s = slots(Map.of(0L, K1, 1L, TANG));
        assertThat(s.bindKeyring("k1", Optional.of(0L), false)).isFalse();
        assertThatThrownBy(() -> s.bindKeyring("k2", Optional.of(0L), false))
                .hasMessage("Key slot 0 is already in use by key description k1; requested k2");
        assertThatThrownBy(() -> s.bindKeyring("k2", Optional.of(1L), false)).hasMessage("Key slot 1 is already in use by a Clevis token");
        assertThat(s.bindKeyring("k1", Optional.empty(), false)).isFalse();
        assertThatThrownBy(() -> s.bindKeyring("k2", Optional.empty(), true))
                .hasMessage("Attempted to bind to key description with k2; already bound with k1");
        assertThat(s.bindKeyring("k2", Optional.empty(), false)).isTrue();
        assertThat(s.result().slots()).containsEntry(2L, new TokenBinding.Key("k2"));
    }

    @Test
    void bindClevisFollowsItsRules() throws EngineException {
        TokenSlots s = slots(Map.of(0L, K1, 1L, TANG));
        assertThatThrownBy(() -> s.bindClevis("tang", "{}", Optional.of(0L), false)).hasMessage("Key slot 0 is already in use by a key description");
        assertThat(s.bindClevis("tang", TANG.config(), Optional.of(1L), false)).isFalse();
        assertThatThrownBy(() -> s.bindClevis("tpm2", "{}", Optional.of(1L), false))
                .hasMessage("Key slot 1 is already in use by Clevis info (tang, {\"url\":\"http://t\"}); requested (tpm2, {})");
        assertThatThrownBy(() -> s.bindClevis("tpm2", "{}", Optional.empty(), true))
                .hasMessage("Attempted to bind to Clevis with (tpm2, {}); already bound with (tang, {\"url\":\"http://t\"})");
        assertThat(s.bindClevis("tang", TANG.config(), Optional.empty(), false)).isTrue();
        assertThat(s.result().slots()).hasSize(3);
    }

    @Test
    void fifteenBindingsIsTheLimit() throws EngineException {
        TokenSlots s = slots(Map.of());
        for (int i = 0; i < Encryption.MAX_TOKEN_SLOTS; i++) {
            s.bindKeyring("k" + i, Optional.empty(), false);
        }
        assertThat(s.result().freeSlots()).isZero();
        assertThatThrownBy(() -> s.bindKeyring("more", Optional.empty(), false)).hasMessage("Reached limit of 15 token and keyslots for pool");
    }

    @Test
    void unbindNeverRemovesTheLastUnlockMethodAndChecksTheKind() throws EngineException {
        assertThatThrownBy(() -> slots(Map.of(0L, K1)).unbindKeyring(Optional.empty()))
                .hasMessage("There is one remaining unlock method; removing the key description binding would remove the ability"
                        + " to open this device; aborting");
        TokenSlots s = slots(Map.of(0L, K1, 1L, TANG));
        assertThatThrownBy(() -> s.unbindKeyring(Optional.of(1L))).hasMessage("Cannot unbind token slot 1 from keyring; bound to Clevis");
        assertThatThrownBy(() -> s.unbindClevis(Optional.of(0L))).hasMessage("Cannot unbind token slot 0 from Clevis; bound to keyring");
        assertThat(s.unbindClevis(Optional.of(7L))).isFalse();
        assertThat(s.unbindClevis(Optional.empty())).isTrue();
        assertThat(s.result().slots()).containsOnlyKeys(0L);
    }

    @Test
    void rebindNeedsABindingOfTheRightKind() throws EngineException {
        TokenSlots s = slots(Map.of(0L, K1, 1L, TANG));
        assertThatThrownBy(() -> s.rebindKeyring("k2", Optional.of(9L))).hasMessage("Cannot rebind empty slot");
        assertThatThrownBy(() -> s.rebindKeyring("k2", Optional.of(1L)))
                .hasMessage("Cannot rebind slot 1 with a key description; slot is bound to a Clevis config");
        assertThatThrownBy(() -> s.rebindClevis(Optional.of(0L)))
                .hasMessage("Cannot rebind slot 0 with a key description; slot is bound to a key config");
        assertThat(s.rebindKeyring("k1", Optional.empty())).isFalse();
        assertThat(s.rebindKeyring("k2", Optional.empty())).isTrue();
        assertThatThrownBy(() -> slots(Map.of(0L, K1)).rebindClevis(Optional.empty())).hasMessage("Cannot rebind empty slot");
    }
}
