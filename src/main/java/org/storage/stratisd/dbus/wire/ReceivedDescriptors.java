package org.storage.stratisd.dbus.wire;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.List;
import org.freedesktop.dbus.FileDescriptor;
import org.freedesktop.dbus.messages.MethodCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the Unix file descriptors a call carried, once its task has replied. dbus-java receives
 * them but never closes them, and any client may attach descriptors to any call, so without this a
 * long-running daemon would leak one per descriptor sent. A method that needs a descriptor beyond
 * its call (none does) must duplicate it.
 */
public final class ReceivedDescriptors {

    private static final Logger log = LoggerFactory.getLogger(ReceivedDescriptors.class);

    private ReceivedDescriptors() {
    }

    /**
     * Closes every descriptor the call carried.
     *
     * @param call the answered call
     */
    public static void close(MethodCall call) {
        List<FileDescriptor> descriptors = call.getFiledescriptors();
        if (descriptors == null) {
            return;
        }
        for (FileDescriptor descriptor : descriptors) {
            if (LibC.INSTANCE.close(descriptor.getIntFileDescriptor()) != 0) {
                log.debug("Closing descriptor {} of call {} failed", descriptor.getIntFileDescriptor(), call.getSerial());
            }
        }
    }

    /** libc's {@code close}. */
    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int close(int fd);
    }
}
