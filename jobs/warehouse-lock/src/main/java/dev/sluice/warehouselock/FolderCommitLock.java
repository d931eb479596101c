package dev.sluice.warehouselock;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.iceberg.LockManager;
import org.apache.iceberg.util.PropertyUtil;

/**
 * The commit lock of a warehouse in a folder: Iceberg's Hadoop catalog commits a table by checking
 * that {@code v<N+1>.metadata.json} does not exist and renaming its new metadata file to that name,
 * holding its {@link LockManager} around the two. Its default lock lives in the JVM, and a rename
 * on a local file system replaces an existing file: two processes committing the same table at the
 * same moment (a pipeline and {@code sluice forget}, {@code maintain}, or two writers of the audit
 * table) can both pass the check, and the second rename silently replaces the first commit — the
 * pipeline believes its checkpoint committed while the table lost it.
 *
 * <p>This lock makes the check and the rename exclusive across processes: an operating-system lock
 * ({@link FileChannel#lock}) on the hidden file {@value #LOCK_FILE} in the table's metadata folder,
 * plus a lock per folder within the JVM (the operating system's lock is held per process). Hidden
 * files are not table files: orphan removal (Iceberg's and {@code forget}'s) and the catalog's
 * listings skip them. Locations that are not on the local file system ({@code hdfs:}, {@code s3:})
 * are locked within the JVM only, as Iceberg's default does; a warehouse shared by processes there
 * needs a catalog with atomic commits (REST, JDBC).
 *
 * <p>Set by Sluice wherever it opens a Hadoop catalog ({@code lock-impl} = this class, see {@link
 * #withLock}); the wait for the lock is {@code lock.acquire-timeout-ms} (Iceberg's property,
 * default 3 minutes), after which the commit fails and is retried by Iceberg.
 */
public final class FolderCommitLock implements LockManager {

    /** The lock file in a table's metadata folder. */
    public static final String LOCK_FILE = ".sluice-commit.lock";

    /** Iceberg's catalog property naming the lock manager class. */
    public static final String LOCK_IMPL = "lock-impl";

    static final String ACQUIRE_TIMEOUT_MS = "lock.acquire-timeout-ms";
    private static final long DEFAULT_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(3);
    private static final long POLL_MS = 5;

    /** One lock per lock file within this JVM: the OS lock is per process. */
    private static final Map<String, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private record Held(ReentrantLock inJvm, FileChannel channel, FileLock lock) {}

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private volatile long timeoutMs = DEFAULT_TIMEOUT_MS;

    /** Catalog properties with this lock set, unless they name a lock manager of their own. */
    public static Map<String, String> withLock(Map<String, String> catalogProperties) {
        Map<String, String> out = new HashMap<>(catalogProperties);
        out.putIfAbsent(LOCK_IMPL, FolderCommitLock.class.getName());
        return out;
    }

    @Override
    public void initialize(Map<String, String> properties) {
        timeoutMs = PropertyUtil.propertyAsLong(properties, ACQUIRE_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);
    }

    /**
     * Takes the lock of the folder holding {@code entityId} (the metadata file a commit is about to
     * create) for {@code ownerId}; false when it could not within the timeout.
     */
    @Override
    public boolean acquire(String entityId, String ownerId) {
        Path lockFile = lockFileOf(entityId);
        String folder = lockFile != null ? lockFile.toString() : parentOf(entityId);
        ReentrantLock inJvm = IN_JVM.computeIfAbsent(folder, f -> new ReentrantLock());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            if (!inJvm.tryLock(timeoutMs, TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (lockFile == null) {
            held.put(key(entityId, ownerId), new Held(inJvm, null, null));
            return true;
        }
        FileChannel channel = null;
        try {
            channel =
                    FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            while ((lock = channel.tryLock()) == null) {
                if (System.nanoTime() - deadline > 0) {
                    channel.close();
                    inJvm.unlock();
                    return false;
                }
                Thread.sleep(POLL_MS);
            }
            held.put(key(entityId, ownerId), new Held(inJvm, channel, lock));
            return true;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            inJvm.unlock();
            throw new IllegalStateException(
                    "Cannot take the commit lock " + lockFile + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(channel);
            inJvm.unlock();
            return false;
        }
    }

    @Override
    public boolean release(String entityId, String ownerId) {
        Held h = held.remove(key(entityId, ownerId));
        if (h == null) {
            return false;
        }
        try {
            if (h.lock() != null) {
                h.lock().release();
            }
        } catch (IOException e) {
            // closing the channel below releases it too
        } finally {
            closeQuietly(h.channel());
            h.inJvm().unlock();
        }
        return true;
    }

    @Override
    public void close() {
        for (String k : held.keySet()) {
            Held h = held.remove(k);
            if (h != null) {
                closeQuietly(h.channel());
                if (h.inJvm().isHeldByCurrentThread()) {
                    h.inJvm().unlock();
                }
            }
        }
    }

    /** The lock file next to a local metadata file, or null when it is not on the local disk. */
    static Path lockFileOf(String entityId) {
        try {
            Path file;
            if (entityId.startsWith("file:")) {
                file = Path.of(URI.create(entityId.replace(" ", "%20")));
            } else if (entityId.startsWith("/")) {
                file = Path.of(entityId);
            } else {
                return null;
            }
            Path folder = file.getParent();
            return folder == null ? null : folder.resolve(LOCK_FILE);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String parentOf(String entityId) {
        int slash = entityId.lastIndexOf('/');
        return slash < 0 ? entityId : entityId.substring(0, slash);
    }

    private static String key(String entityId, String ownerId) {
        return entityId + '\u0000' + ownerId;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to release
            }
        }
    }
}
