package org.storage.stratisd.dbus.publish;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Object paths of the Stratis objects: one counter from 0 shared by pools, filesystems and block
 * devices, never reused, so a path always names the same object for the life of the process.
 */
public final class ObjectPaths {

    /** The root object, with the Manager interfaces and the ObjectManager. */
    public static final String ROOT = "/org/storage/stratis3";
    /** The well-known bus name. */
    public static final String BUS_NAME = "org.storage.stratis3";
    /** The prefix of every Stratis interface name. */
    public static final String INTERFACE_PREFIX = "org.storage.stratis3.";
    /** The placeholder path of "no object" in option tuples. */
    public static final String NONE = "/";

    /** Incremented once per new object; contention is only on this atomic. */
    private final AtomicLong next = new AtomicLong();

    /**
     * Allocates the next object path.
     *
     * @return e.g. {@code /org/storage/stratis3/7}
     */
    public String allocate() {
        return ROOT + "/" + next.getAndIncrement();
    }
}
