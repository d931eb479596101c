package dev.sluice.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Unpacked PostgreSQL binaries shared by the servers of one JVM through hard links. Every server
 * still runs from a binaries folder of its own, which it removes on close without touching the
 * others, but only the first server of a JVM pays for unpacking (~60 MB of xz, the largest part of
 * the start-up). Where links cannot be made (another file system), each server unpacks again.
 */
final class PostgresBinaries {
    private PostgresBinaries() {}

    /** zonky's lock file inside an unpacked folder: per folder, never shared. */
    private static final String LOCK_FILE = "epg-lock";

    private static Path shared;

    /** Links the shared binaries into {@code binaries}, if a server of this JVM unpacked them. */
    static synchronized boolean linkInto(Path binaries) {
        if (shared == null || !Files.isDirectory(shared)) {
            return false;
        }
        try {
            linkTree(shared, binaries);
            return true;
        } catch (IOException e) {
            // zonky unpacks into the emptied folder instead
            try {
                Folders.delete(binaries);
                Files.createDirectories(binaries);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            return false;
        }
    }

    /** Keeps links to the binaries a server just unpacked, for the next servers of this JVM. */
    static synchronized void share(Path binaries) {
        if (shared != null && Files.isDirectory(shared)) {
            return;
        }
        Path folder = null;
        try {
            folder = Files.createTempDirectory("sluice-postgres-binaries-");
            linkTree(binaries, folder);
            Path created = folder;
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        try {
                                            Folders.delete(created);
                                        } catch (IOException ignored) {
                                            // the JVM is going away; the temp folder stays
                                        }
                                    },
                                    "sluice-postgres-binaries-cleanup"));
            shared = folder;
        } catch (IOException e) {
            if (folder != null) {
                try {
                    Folders.delete(folder);
                } catch (IOException ignored) {
                    // nothing shared, nothing lost: later servers unpack again
                }
            }
        }
    }

    /**
     * Recreates the folder tree of {@code source} under {@code target} with hard links to its
     * files. Folder modification times are copied too: zonky treats an unpacked folder as complete
     * only when its marker file is not older than anything next to it.
     */
    private static void linkTree(Path source, Path target) throws IOException {
        List<Path> folders = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (path.getFileName().toString().equals(LOCK_FILE)) {
                    continue;
                }
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isSymbolicLink(path)) {
                    Files.createSymbolicLink(copy, Files.readSymbolicLink(path));
                } else if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                    folders.add(path);
                } else {
                    Files.createLink(copy, path);
                }
            }
        }
        // deepest first: filling a folder would change the time of its parent again
        for (int i = folders.size() - 1; i >= 0; i--) {
            Path folder = folders.get(i);
            FileTime modified = Files.getLastModifiedTime(folder);
            Files.setLastModifiedTime(
                    target.resolve(source.relativize(folder).toString()), modified);
        }
    }
}
