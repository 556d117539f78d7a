package org.storage.stratisd.dbus;

import java.util.Collection;
import java.util.List;
import org.storage.stratisd.dbus.api.InterfaceDefinition;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Arg;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Method;
import org.storage.stratisd.dbus.api.InterfaceDefinition.Property;

/**
 * Introspection XML for a node: its Stratis interfaces with argument names, directions and
 * {@code EmitsChangedSignal} annotations (only where not {@code true}), the standard interfaces,
 * and a {@code node} element per child.
 */
final class Introspection {

    private static final String HEADER = """
            <!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
            <node>
            """;
    private static final String STANDARD = """
              <interface name="org.freedesktop.DBus.Peer">
                <method name="Ping">
                </method>
                <method name="GetMachineId">
                  <arg type="s" name="machine_uuid" direction="out"/>
                </method>
              </interface>
              <interface name="org.freedesktop.DBus.Introspectable">
                <method name="Introspect">
                  <arg type="s" name="xml_data" direction="out"/>
                </method>
              </interface>
              <interface name="org.freedesktop.DBus.Properties">
                <method name="Get">
                  <arg type="s" name="interface_name" direction="in"/>
                  <arg type="s" name="property_name" direction="in"/>
                  <arg type="v" name="value" direction="out"/>
                </method>
                <method name="Set">
                  <arg type="s" name="interface_name" direction="in"/>
                  <arg type="s" name="property_name" direction="in"/>
                  <arg type="v" name="value" direction="in"/>
                </method>
                <method name="GetAll">
                  <arg type="s" name="interface_name" direction="in"/>
                  <arg type="a{sv}" name="properties" direction="out"/>
                </method>
                <signal name="PropertiesChanged">
                  <arg type="s" name="interface_name"/>
                  <arg type="a{sv}" name="changed_properties"/>
                  <arg type="as" name="invalidated_properties"/>
                </signal>
              </interface>
            """;
    private static final String OBJECT_MANAGER = """
              <interface name="org.freedesktop.DBus.ObjectManager">
                <method name="GetManagedObjects">
                  <arg type="a{oa{sa{sv}}}" direction="out"/>
                </method>
                <signal name="InterfacesAdded">
                  <arg type="o" name="object_path"/>
                  <arg type="a{sa{sv}}" name="interfaces_and_properties"/>
                </signal>
                <signal name="InterfacesRemoved">
                  <arg type="o" name="object_path"/>
                  <arg type="as" name="interfaces"/>
                </signal>
              </interface>
            """;

    private Introspection() {
    }

    /**
     * The XML for one node.
     *
     * @param interfaces    its Stratis interfaces
     * @param objectManager whether the node carries the ObjectManager (the root only)
     * @param children      the names of its child nodes
     * @return the document
     */
    static String xml(List<InterfaceDefinition> interfaces, boolean objectManager, Collection<String> children) {
        StringBuilder xml = new StringBuilder(HEADER);
        for (InterfaceDefinition iface : interfaces) {
            xml.append("  <interface name=\"").append(iface.name()).append("\">\n");
            for (Method method : iface.methods()) {
                xml.append("    <method name=\"").append(method.name()).append("\">\n");
                appendArgs(xml, method.in(), "in");
                appendArgs(xml, method.out(), "out");
                xml.append("    </method>\n");
            }
            for (Property property : iface.properties()) {
                appendProperty(xml, property);
            }
            xml.append("  </interface>\n");
        }
        xml.append(STANDARD);
        if (objectManager) {
            xml.append(OBJECT_MANAGER);
        }
        children.forEach(child -> xml.append("  <node name=\"").append(child).append("\"/>\n"));
        return xml.append("</node>\n").toString();
    }

    private static void appendArgs(StringBuilder xml, List<Arg> args, String direction) {
        for (Arg arg : args) {
            xml.append("      <arg name=\"").append(arg.name()).append("\" type=\"").append(arg.signature())
                    .append("\" direction=\"").append(direction).append("\"/>\n");
        }
    }

    private static void appendProperty(StringBuilder xml, Property property) {
        xml.append("    <property name=\"").append(property.name()).append("\" type=\"").append(property.signature())
                .append("\" access=\"").append(property.writable() ? "readwrite" : "read").append('"');
        if (property.emits() == InterfaceDefinition.EmitsChanged.TRUE) {
            xml.append("/>\n");
            return;
        }
        xml.append(">\n      <annotation name=\"org.freedesktop.DBus.Property.EmitsChangedSignal\" value=\"")
                .append(property.emits().annotation()).append("\"/>\n    </property>\n");
    }
}
