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
        default String label() {
            return switch (this) {
                case Ready r -> "ready";
                case StoppedByRequest s -> "stopped";
                case Locked l -> "locked";
                case Incomplete i -> "incomplete";
                case Invalid i -> "invalid";
            };
        }

        /**
         * Why, for reports and logs.
         *
         * @return the explanation
         */
        default String reason() {
            return switch (this) {
                case Ready r -> "all devices present and the metadata is consistent";
                case StoppedByRequest s -> "the pool was stopped (its metadata says started: false)";
                case Locked l -> "encrypted devices are not unlocked";
                case Incomplete i -> i.missing().isEmpty() ? "no device of the pool carries its metadata"
                        : "devices not found: " + String.join(", ", i.missing().stream().map(UUID::toString).toList());
                case Invalid i -> i.reason();
            };
        }

        /** Every device is present, the metadata checks and says started: the pool can be set up. */
        record Ready() implements Decision {
        }

        /** The metadata says the pool was stopped ({@code started: false}); it stays stopped. */
        record StoppedByRequest() implements Decision {
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
        }

        /**
         * The devices or metadata contradict each other; the pool cannot be set up as it is.
         *
         * @param reason what is wrong
         */
        record Invalid(String reason) implements Decision {
        }
    }
}
