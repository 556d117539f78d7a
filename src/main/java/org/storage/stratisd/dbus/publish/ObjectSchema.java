package org.storage.stratisd.dbus.publish;

import java.util.List;
import java.util.function.BiFunction;
import org.storage.stratisd.dbus.api.InterfaceDefinition;

/**
 * What one kind of object publishes: the properties of its interface revisions, and how their
 * values follow from the engine's snapshot of the object and its pool's path.
 *
 * @param revisions the interface revisions (only their properties matter here)
 * @param values    snapshot and owning pool's path to the property values
 * @param <V>       the engine's snapshot type
 */
public record ObjectSchema<V>(List<InterfaceDefinition> revisions, BiFunction<V, String, InterfaceDefinition.Values> values) {

    /** Copies the list. */
    public ObjectSchema {
        revisions = List.copyOf(revisions);
    }
}
