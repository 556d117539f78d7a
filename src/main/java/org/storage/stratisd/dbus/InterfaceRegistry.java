package org.storage.stratisd.dbus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.storage.stratisd.dbus.api.InterfaceDefinition;

/** Every Stratis interface revision the daemon knows, by name; built once at start-up. */
public final class InterfaceRegistry {

    private final Map<String, InterfaceDefinition> byName = new LinkedHashMap<>();

    /**
     * Creates the registry.
     *
     * @param rootInterfaces the root object's Stratis interfaces
     * @param others         the interfaces of pools, filesystems and block devices
     */
    public InterfaceRegistry(List<InterfaceDefinition> rootInterfaces, List<InterfaceDefinition> others) {
        rootInterfaces.forEach(d -> byName.put(d.name(), d));
        others.forEach(d -> byName.put(d.name(), d));
    }

    /**
     * Looks up an interface revision.
     *
     * @param name the interface name
     * @return its definition, or empty for a name the daemon does not define
     */
    public Optional<InterfaceDefinition> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
