package org.storage.stratisd.tree;

/** What an object in the dbus tree stands for. */
public enum ObjectKind {
    /** The root object with the Manager and Report interfaces; not listed by GetManagedObjects. */
    ROOT,
    POOL,
    FILESYSTEM,
    BLOCKDEV
}
