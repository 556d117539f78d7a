package org.storage.stratisd.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The C library calls the real engine makes through JNA. Each throws {@link LastErrorException}
 * (carrying errno) when the call fails, so no caller reads a stale errno.
 */
interface LibC extends Library {

    /** The process' C library. */
    LibC INSTANCE = Native.load("c", LibC.class);

    int O_RDWR = 2;
    int O_CLOEXEC = 0x80000;
    short POLLIN = 1;
    int EINTR = 4;
    int EAGAIN = 11;
    int EEXIST = 17;

    int IPC_CREAT = 01000;
    int IPC_EXCL = 02000;
    short IPC_NOWAIT = 04000;
    int IPC_RMID = 0;
    int GETVAL = 12;
    int SETVAL = 16;

    int CLONE_NEWNS = 0x00020000;
    long MS_NOSUID = 2;
    long MS_NODEV = 4;
    long MS_REC = 0x4000;
    long MS_PRIVATE = 1 << 18;
    long MS_SLAVE = 1 << 19;
    int MNT_DETACH = 2;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer argument) throws LastErrorException;

    int poll(Pointer fds, NativeLong nfds, int timeoutMillis) throws LastErrorException;

    int semget(int key, int nsems, int flags) throws LastErrorException;

    int semctl(int semid, int semnum, int cmd, int value) throws LastErrorException;

    int semop(int semid, Pointer sops, NativeLong nsops) throws LastErrorException;

    int semtimedop(int semid, Pointer sops, NativeLong nsops, Pointer timeout) throws LastErrorException;

    int mount(String source, String target, String fstype, NativeLong flags, String data) throws LastErrorException;

    int umount2(String target, int flags) throws LastErrorException;

    int unshare(int flags) throws LastErrorException;

    /**
     * A system call with no C library wrapper (the keyring's {@code add_key} and {@code keyctl});
     * integer arguments are passed as {@code long}s, pointers as JNA memory.
     *
     * @param number the call's number on this architecture
     * @param args   its arguments
     * @return its result
     * @throws LastErrorException with errno when it fails
     */
    NativeLong syscall(NativeLong number, Object... args) throws LastErrorException;

    int getpid();

    int gettid();

    String strerror(int errno);
}
