package org.storage.stratisd.dbus.api.common;

import java.util.Map;
import org.storage.stratisd.dbus.api.InterfaceDefinition;

/**
 * The setters of an object kind's writable properties, by property name. Property tables take one
 * so that the same table serves the publisher (which needs no setters) and the router.
 */
@FunctionalInterface
public interface Setters {

    /** No setters: every property read-only, for building values and signals only. */
    Setters NONE = name -> null;

    /**
     * The setter of a property.
     *
     * @param property the property name
     * @return its setter, or null if it has none
     */
    InterfaceDefinition.PropertySetter forName(String property);

    /**
     * Setters from a map.
     *
     * @param setters property name to setter
     * @return the lookup
     */
    static Setters of(Map<String, InterfaceDefinition.PropertySetter> setters) {
        return setters::get;
    }
}
