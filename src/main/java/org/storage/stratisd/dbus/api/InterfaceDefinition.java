package org.storage.stratisd.dbus.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * What one interface revision exposes: its methods and properties with their exact names,
 * signatures and argument names. Behaviour is not here; a method points at a shared
 * {@link MethodBody}, so ten revisions of an interface are ten short tables over the same code.
 *
 * @param name       the interface name, e.g. {@code org.storage.stratis3.Manager.r9}
 * @param revision   its revision number (the {@code N} of {@code .rN})
 * @param methods    its methods
 * @param properties its properties, in the order they are published
 */
public record InterfaceDefinition(String name, int revision, List<Method> methods, List<Property> properties) {

    /** How many revisions every Stratis interface has: r0 to r9. */
    public static final int REVISIONS = 10;

    /** Copies the lists. */
    public InterfaceDefinition {
        methods = List.copyOf(methods);
        properties = List.copyOf(properties);
    }

    /**
     * The revisions r0 to r9 of one interface, each a short table of what it exposes.
     *
     * @param baseName   the name without revision, e.g. {@code org.storage.stratis3.pool}
     * @param methods    the methods of revision r
     * @param properties the properties of revision r
     * @return ten definitions, r0 first
     */
    public static List<InterfaceDefinition> revisions(String baseName, IntFunction<List<Method>> methods,
                                                      IntFunction<List<Property>> properties) {
        List<InterfaceDefinition> result = new ArrayList<>();
        for (int r = 0; r < REVISIONS; r++) {
            result.add(new InterfaceDefinition(baseName + ".r" + r, r, methods.apply(r), properties.apply(r)));
        }
        return result;
    }

    /**
     * Finds a method by name.
     *
     * @param member the method name
     * @return the method, or empty
     */
    public Optional<Method> method(String member) {
        return methods.stream().filter(m -> m.name().equals(member)).findFirst();
    }

    /**
     * Finds a property by name.
     *
     * @param member the property name
     * @return the property, or empty
     */
    public Optional<Property> property(String member) {
        return properties.stream().filter(p -> p.name().equals(member)).findFirst();
    }

    /**
     * The names of the properties, in order.
     *
     * @return the names
     */
    public List<String> propertyNames() {
        return properties.stream().map(Property::name).toList();
    }

    /**
     * One argument of a method.
     *
     * @param name      its name (in introspection)
     * @param signature its D-Bus type
     */
    public record Arg(String name, String signature) {
    }

    /**
     * One method.
     *
     * @param name the method name
     * @param in   input arguments
     * @param out  output arguments
     * @param body the behaviour shared by every revision that has this method
     */
    public record Method(String name, List<Arg> in, List<Arg> out, MethodBody body) {

        /** Copies the lists. */
        public Method {
            in = List.copyOf(in);
            out = List.copyOf(out);
        }

        /**
         * The signature of the input arguments, concatenated.
         *
         * @return e.g. {@code sas}
         */
        public String inSignature() {
            return String.join("", in.stream().map(Arg::signature).toList());
        }

        /**
         * The signature of the output arguments, concatenated.
         *
         * @return e.g. {@code (bs)qs}
         */
        public String outSignature() {
            return String.join("", out.stream().map(Arg::signature).toList());
        }
    }

    /**
     * One property.
     *
     * @param name      the property name
     * @param signature its D-Bus type
     * @param emits     the value of the {@code EmitsChangedSignal} annotation
     * @param setter    what {@code Properties.Set} does, or null for a read-only property
     */
    public record Property(String name, String signature, EmitsChanged emits, PropertySetter setter) {

        /**
         * A read-only property.
         *
         * @param name      the property name
         * @param signature its D-Bus type
         * @param emits     the {@code EmitsChangedSignal} value
         */
        public Property(String name, String signature, EmitsChanged emits) {
            this(name, signature, emits, null);
        }

        /**
         * Whether {@code Properties.Set} may change it.
         *
         * @return true if it has a setter
         */
        public boolean writable() {
            return setter != null;
        }
    }

    /** What setting a writable property does. */
    @FunctionalInterface
    public interface PropertySetter {

        /**
         * Sets the property on one object.
         *
         * @param path  the object path
         * @param value the new value, already checked against the property's signature
         * @throws DbusErrorReply to answer with a D-Bus error (engine refusals are {@code Failed})
         */
        void set(String path, Object value) throws DbusErrorReply;
    }

    /** Where a property's current value comes from: name and revision to value. */
    @FunctionalInterface
    public interface Values {

        /**
         * The value of a property in one revision.
         *
         * @param name     the property name
         * @param revision the interface revision
         * @return the value
         */
        org.freedesktop.dbus.types.Variant<?> get(String name, int revision);
    }

    /** The {@code org.freedesktop.DBus.Property.EmitsChangedSignal} annotation values. */
    public enum EmitsChanged {
        TRUE("true"),
        INVALIDATES("invalidates"),
        CONST("const"),
        FALSE("false");

        private final String annotation;

        EmitsChanged(String annotation) {
            this.annotation = annotation;
        }

        /**
         * The annotation's text.
         *
         * @return e.g. {@code const}
         */
        public String annotation() {
            return annotation;
        }
    }
}
