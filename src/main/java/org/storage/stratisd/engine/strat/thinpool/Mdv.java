package org.storage.stratisd.engine.strat.thinpool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.storage.stratisd.engine.strat.dm.DmNames;
import org.storage.stratisd.engine.strat.sys.Mounts;
import org.storage.stratisd.json.Json;

/**
 * A pool's metadata volume (real-engine spec §4): an XFS filesystem, mounted in the daemon's
 * private namespace at {@code <root>/.mdv-<pool>}, holding one record per filesystem in
 * {@code filesystems/<uuid>.json}. A record is written crash-safely: to {@code <uuid>.temp},
 * synced, renamed over the record, and the directory synced; a stale {@code .temp} is deleted
 * when the volume is set up.
 *
 * <p>Used under its pool's lock; its file operations run inside the namespace.
 */
public final class Mdv {

    private static final String DIRECTORY = "filesystems";

    private final Mounts mounts;
    private final Path mountPoint;

    /**
     * The metadata volume of a pool.
     *
     * @param mounts the private namespace
     * @param pool   the pool's UUID
     */
    public Mdv(Mounts mounts, UUID pool) {
        this.mounts = mounts;
        this.mountPoint = mounts.root().resolve(".mdv-" + DmNames.simple(pool));
    }

    /** @return where the volume is mounted */
    public Path mountPoint() {
        return mountPoint;
    }

    /**
     * Mounts the volume, creates its records' directory if missing, and deletes stale temporary records.
     *
     * @param device the volume's device node
     * @throws IOException if it cannot be mounted or read
     */
    public void mount(Path device) throws IOException {
        mounts.mount(device, mountPoint, "xfs", "");
        mounts.inside(() -> {
            Path dir = mountPoint.resolve(DIRECTORY);
            Files.createDirectories(dir);
            try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, "*.temp")) {
                for (Path p : stale) {
                    Files.delete(p);
                }
            }
            return null;
        });
    }

    /**
     * Unmounts the volume.
     *
     * @throws IOException if it stays mounted
     */
    public void unmount() throws IOException {
        mounts.unmount(mountPoint);
    }

    /**
     * Every filesystem record.
     *
     * @return the records, in file-name order
     * @throws IOException if one cannot be read or parsed (naming the file)
     */
    public List<FilesystemSave> filesystems() throws IOException {
        return mounts.inside(() -> {
            List<FilesystemSave> out = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> records = Files.newDirectoryStream(mountPoint.resolve(DIRECTORY), "*.json")) {
                records.forEach(files::add);
            }
            files.sort(null);
            for (Path file : files) {
                try {
                    out.add(Json.read(Files.readAllBytes(file), FilesystemSave.class));
                } catch (RuntimeException e) {
                    throw new IOException("metadata volume record " + file + " cannot be read: " + e.getMessage(), e);
                }
            }
            return out;
        });
    }

    /**
     * Writes a filesystem's record, crash-safely.
     *
     * @param record the record
     * @throws IOException if it cannot be written
     */
    public void save(FilesystemSave record) throws IOException {
        byte[] json = Json.write(record).getBytes(StandardCharsets.UTF_8);
        mounts.inside(() -> {
            Path dir = mountPoint.resolve(DIRECTORY);
            String base = DmNames.simple(record.uuid());
            Path temp = dir.resolve(base + ".temp");
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(json);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                out.force(true);
            }
            Files.move(temp, dir.resolve(base + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
            return null;
        });
    }

    /**
     * Deletes a filesystem's record; a missing record is not an error.
     *
     * @param filesystem the filesystem's UUID
     * @throws IOException if it cannot be deleted
     */
    public void delete(UUID filesystem) throws IOException {
        mounts.inside(() -> {
            Path dir = mountPoint.resolve(DIRECTORY);
            try {
                Files.delete(dir.resolve(DmNames.simple(filesystem) + ".json"));
            } catch (NoSuchFileException e) {
                return null;
            }
            syncDirectory(dir);
            return null;
        });
    }

    /**
     * How many filesystems the volume can hold: its size in 4 KiB blocks (upstream's limit on the
     * filesystem limit).
     *
     * @return the capacity
     * @throws IOException if the volume cannot be examined
     */
    public long capacity() throws IOException {
        return mounts.inside(() -> Files.getFileStore(mountPoint).getTotalSpace() / 4096);
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
