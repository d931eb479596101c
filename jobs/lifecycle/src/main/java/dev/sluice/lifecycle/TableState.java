package dev.sluice.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * What maintenance can change in a table, observed at one moment: its snapshots and the files under
 * its location. Two observations tell what happened between them (see {@link MaintenanceAudit}).
 *
 * @param files every file under the table's location, or null when its file system cannot list
 */
record TableState(Map<Long, Snapshot> snapshots, Set<String> files) {

    static TableState of(Table table) {
        table.refresh();
        Map<Long, Snapshot> snapshots = new LinkedHashMap<>();
        for (Snapshot s : table.snapshots()) {
            snapshots.put(s.snapshotId(), s);
        }
        return new TableState(snapshots, files(table));
    }

    /**
     * The files under the table's location; null when they cannot be listed, for instance because a
     * file vanished during the listing (a writer or an expiry deleting) three times running.
     */
    private static Set<String> files(Table table) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                String location = table.location();
                if (location.startsWith("file:")) {
                    // plain Java: Hadoop's local file system asks `ls` for each file's permissions
                    Set<String> files = new TreeSet<>();
                    Path root = Path.of(URI.create(location));
                    try (Stream<Path> walk = Files.walk(root)) {
                        walk.filter(Files::isRegularFile)
                                .forEach(p -> files.add(p.toUri().toString()));
                    }
                    return files;
                }
                if (table.io() instanceof SupportsPrefixOperations prefixes) {
                    Set<String> files = new TreeSet<>();
                    for (FileInfo f : prefixes.listPrefix(location)) {
                        files.add(f.location());
                    }
                    return files;
                }
                return null;
            } catch (IOException | UncheckedIOException e) {
                // listed while files were deleted: list again
            } catch (RuntimeException e) {
                if (attempt == 2) {
                    return null;
                }
            }
        }
        return null;
    }
}
