package org.storage.stratisd.engine.strat.assembly;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.storage.stratisd.engine.strat.identify.DeviceIdentity;
import org.storage.stratisd.engine.strat.serde.PoolSave;

/**
 * What start-up assembly decided for one pool (real-engine spec §8.3).
 *
 * @param poolUuid        the pool
 * @param name            its name, from the newest metadata or the LUKS2 tokens
 * @param devices         the pool's devices that were found, in the order of the metadata where it has one
 * @param metadata        the newest pool metadata, if it could be read
 * @param metadataVersion the signature-block version of its devices, if they agree
 * @param decision        what can be done with it
 */
public record PoolPlan(UUID poolUuid, Optional<String> name, List<DeviceIdentity> devices, Optional<PoolSave> metadata,
                       Optional<Integer> metadataVersion, Decision decision) {

    /** Copies the list. */
    public PoolPlan {
        devices = List.copyOf(devices);
    }

    /** The decision. */
    public sealed interface Decision {

        /**
         * A word for reports.
         *
         * @return e.g. {@code ready}
         */
        String label();

        /**
         * Why, for reports and logs.
         *
         * @return the explanation
         */
        String reason();

        /** Every device is present, the metadata checks and says started: the pool can be set up. */
        record Ready() implements Decision {
            @Override
            public String label() {
                return "ready";
            }

            @Override
            public String reason() {
                return "all devices present and the metadata is consistent";
            }
        }

        /** The metadata says the pool was stopped ({@code started: false}); it stays stopped. */
        record StoppedByRequest() implements Decision {
            @Override
            public String label() {
                return "stopped";
            }

            @Override
            public String reason() {
                return "the pool was stopped (its metadata says started: false)";
            }
        }

        /**
         * Its devices are LUKS2 devices that are not open: an encrypted V1 pool that needs unlocking.
         *
         * @param keyDescriptions the key descriptions bound to its devices
         * @param clevis          whether Clevis is bound
         */
        record Locked(List<String> keyDescriptions, boolean clevis) implements Decision {

            /** Copies the list. */
            public Locked {
                keyDescriptions = List.copyOf(keyDescriptions);
            }

            @Override
            public String label() {
                return "locked";
            }

            @Override
            public String reason() {
                return "encrypted devices are not unlocked";
            }
        }

        /**
         * Some devices the metadata names were not found.
         *
         * @param missing their UUIDs
         */
        record Incomplete(List<UUID> missing) implements Decision {

            /** Copies the list. */
            public Incomplete {
                missing = List.copyOf(missing);
            }

            @Override
            public String label() {
                return "incomplete";
            }

            @Override
            public String reason() {
                return missing.isEmpty() ? "no device of the pool carries its metadata"
                        : "devices not found: " + String.join(", ", missing.stream().map(UUID::toString).toList());
            }
        }

        /**
         * The devices or metadata contradict each other; the pool cannot be set up as it is.
         *
         * @param reason what is wrong
         */
        record Invalid(String reason) implements Decision {
            @Override
            public String label() {
                return "invalid";
            }
        }
    }
}
