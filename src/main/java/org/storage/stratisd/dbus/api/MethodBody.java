package org.storage.stratisd.dbus.api;

import org.freedesktop.dbus.messages.MethodCall;

/** The behaviour of a method, shared by every interface revision that has it. */
@FunctionalInterface
public interface MethodBody {

    /**
     * Runs the method on a method task.
     *
     * @param call the call (for its sender, path, interface and file descriptors)
     * @param args the arguments in dbus-java's raw forms: structs as {@code Object[]}, arrays as
     *             lists, unsigned integers as {@code UInt16/32/64}, object paths as {@code DBusPath}
     * @return the output values in the same forms, matching the method's out signature
     * @throws DbusErrorReply to answer with a D-Bus error instead
     */
    Object[] invoke(MethodCall call, Object[] args) throws DbusErrorReply;
}
