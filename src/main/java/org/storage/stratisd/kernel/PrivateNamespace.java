package org.storage.stratisd.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.storage.stratisd.engine.strat.sys.Mounts;

/**
 * The daemon's private mount namespace (real-engine spec §4, §8.1), held by one thread. A mount
 * namespace belongs to a thread, not to a process: in a JVM that already runs many threads,
 * {@code unshare(CLONE_NEWNS)} moves only the calling thread. So one platform thread unshares at
 * start (unless the daemon is PID 1, as upstream) and mounts a 1 MiB tmpfs on
 * {@code /run/stratisd/ns_mounts}, made {@code MS_SLAVE|MS_REC} so that what is mounted under it is
 * never seen by the host; every mount, unmount and file operation on a metadata volume runs on
 * that thread. (To look into the namespace from outside: {@code nsenter -t <pid> -m} with the
 * thread's id, logged at start, or {@code /proc/<pid>/task/<tid>/ns/mnt}.)
 *
 * <p>Thread safety: callers may be any thread; the work is serialised on the namespace thread.
 */
public final class PrivateNamespace implements Mounts, AutoCloseable {

    /** Where the private mounts go. */
    public static final Path ROOT = Path.of("/run/stratisd/ns_mounts");
    private static final Logger log = LoggerFactory.getLogger(PrivateNamespace.class);
    private static final int EBUSY = 16;
    private static final int EINVAL = 22;

    private final LibC libc = LibC.INSTANCE;
    private final ExecutorService thread;
    /** The namespace thread itself; set once by that thread before any task runs. */
    private volatile Thread owner;

    private PrivateNamespace() {
        this.thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("stratisd-mount-namespace").daemon().unstarted(r));
    }

    /**
     * Creates the namespace and its tmpfs.
     *
     * @return the namespace
     * @throws IOException if it cannot be created (the real engine cannot run without it)
     */
    public static PrivateNamespace create() throws IOException {
        PrivateNamespace ns = new PrivateNamespace();
        try {
            ns.call(() -> {
                ns.owner = Thread.currentThread();
                ns.enter();
                return null;
            });
        } catch (IOException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    private void enter() throws IOException {
        if (libc.getpid() != 1) {
            try {
                libc.unshare(LibC.CLONE_NEWNS);
            } catch (LastErrorException e) {
                throw new IOException("Cannot create the private mount namespace (unshare): " + libc.strerror(e.getErrorCode()));
            }
        }
        Files.createDirectories(ROOT);
        try {
            libc.umount2(ROOT.toString(), LibC.MNT_DETACH);
            log.info("Unmounted a stale mount at {}", ROOT);
        } catch (LastErrorException e) {
            // nothing mounted there: the usual case
        }
        try {
            libc.mount("tmpfs", ROOT.toString(), "tmpfs", new NativeLong(LibC.MS_NOSUID | LibC.MS_NODEV), "size=1M");
            libc.mount("none", ROOT.toString(), null, new NativeLong(LibC.MS_SLAVE | LibC.MS_REC), null);
        } catch (LastErrorException e) {
            throw new IOException("Cannot mount the private tmpfs on " + ROOT + ": " + libc.strerror(e.getErrorCode()));
        }
        log.info("Private mount namespace held by thread {} (tid {}), mounts under {}", Thread.currentThread().getName(),
                libc.gettid(), ROOT);
    }

    @Override
    public Path root() {
        return ROOT;
    }

    @Override
    public void mount(Path device, Path target, String fsType, String options) throws IOException {
        call(() -> {
            Files.createDirectories(target);
            try {
                libc.mount(device.toString(), target.toString(), fsType, new NativeLong(0), options.isEmpty() ? null : options);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EBUSY) {
                    log.debug("{} is already mounted at {}", device, target);
                    return null;
                }
                throw new IOException("Cannot mount " + device + " (" + fsType + ") at " + target + ": "
                        + libc.strerror(e.getErrorCode()));
            }
            return null;
        });
    }

    @Override
    public void unmount(Path target) throws IOException {
        call(() -> {
            if (!Files.isDirectory(target)) {
                return null;
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    libc.umount2(target.toString(), 0);
                    break;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == EINVAL) {
                        break;
                    }
                    if (attempt == 2) {
                        throw new IOException("Cannot unmount " + target + ": " + libc.strerror(e.getErrorCode()));
                    }
                    sleep(100);
                }
            }
            Files.deleteIfExists(target);
            return null;
        });
    }

    @Override
    public <T> T inside(Action<T> action) throws IOException {
        return call(action::run);
    }

    private <T> T call(Callable<T> task) throws IOException {
        if (Thread.currentThread() == owner) {
            return rethrow(task);
        }
        Future<T> result = thread.submit(task);
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the mount namespace", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    private static <T> T rethrow(Callable<T> task) throws IOException {
        try {
            return task.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Stops the namespace thread; the namespace and its mounts go when the process exits. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
