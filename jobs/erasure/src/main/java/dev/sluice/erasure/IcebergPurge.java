package dev.sluice.erasure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * The physical purge after {@link IcebergErasure}: expires every snapshot older than the erasure's
 * rewrite (Iceberg's {@code ExpireSnapshots} deletes the data and delete files only they
 * referenced), rewrites the manifests (a rewrite's manifest keeps the replaced files' entries with
 * their column bounds, which may be an identifier, until the next manifest rewrite) and expires the
 * snapshot before that, then removes orphans: data files under the table's location that no
 * snapshot references and that are older than the minimum age (a younger one may belong to a
 * writer's commit in flight).
 */
public final class IcebergPurge {

    /** What the purge did. */
    public record Result(List<Long> expiredSnapshotIds, List<String> orphansRemoved) {}

    private IcebergPurge() {}

    /** Expires every snapshot before {@code rewriteSnapshotId}, then removes old orphans. */
    public static Result purge(Table table, long rewriteSnapshotId, Duration orphanMinAge) {
        table.refresh();
        Set<Long> before = snapshotIds(table);
        Snapshot rewrite = table.snapshot(rewriteSnapshotId);
        if (rewrite != null) {
            table.expireSnapshots()
                    .expireOlderThan(rewrite.timestampMillis())
                    .retainLast(1)
                    .commit();
        }
        table.refresh();
        if (table.currentSnapshot() != null) {
            table.rewriteManifests()
                    .rewriteIf(m -> true)
                    .set("sluice.operation", "erasure")
                    .commit();
            table.refresh();
            table.expireSnapshots()
                    .expireOlderThan(table.currentSnapshot().timestampMillis())
                    .retainLast(1)
                    .commit();
            table.refresh();
        }
        List<Long> expired = new ArrayList<>(before);
        expired.removeAll(snapshotIds(table));
        return new Result(expired, removeOrphans(table, orphanMinAge));
    }

    private static Set<Long> snapshotIds(Table table) {
        Set<Long> ids = new java.util.TreeSet<>();
        table.snapshots().forEach(s -> ids.add(s.snapshotId()));
        return ids;
    }

    /** Data and delete files of every snapshot of the table, by path. */
    static Set<String> referenced(Table table) {
        Set<String> out = new HashSet<>();
        for (Snapshot s : table.snapshots()) {
            for (ManifestFile m : s.dataManifests(table.io())) {
                try (ManifestReader<? extends ContentFile<?>> r =
                        ManifestFiles.read(m, table.io(), table.specs())) {
                    r.forEach(f -> out.add(path(f.location())));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            for (ManifestFile m : s.deleteManifests(table.io())) {
                try (ManifestReader<? extends ContentFile<?>> r =
                        ManifestFiles.readDeleteManifest(m, table.io(), table.specs())) {
                    r.forEach(f -> out.add(path(f.location())));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    private static List<String> removeOrphans(Table table, Duration minAge) {
        Set<String> referenced = referenced(table);
        long cutoff = System.currentTimeMillis() - minAge.toMillis();
        List<String> removed = new ArrayList<>();
        for (FileInfo f : dataFolder(table)) {
            if (!referenced.contains(path(f.location())) && f.createdAtMillis() < cutoff) {
                table.io().deleteFile(f.location());
                removed.add(f.location());
            }
        }
        return removed;
    }

    /** The files under the table's {@code data/} folder (where writers put data and deletes). */
    static List<FileInfo> dataFolder(Table table) {
        String location = table.location() + "/data";
        List<FileInfo> out = new ArrayList<>();
        if (location.startsWith("file:") || location.startsWith("/")) {
            Path root =
                    Path.of(
                            location.startsWith("file:")
                                    ? URI.create(location).getPath()
                                    : location);
            if (!Files.isDirectory(root)) {
                return out;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().startsWith("."))
                        .forEach(
                                p -> {
                                    try {
                                        out.add(
                                                new FileInfo(
                                                        "file:" + p,
                                                        Files.size(p),
                                                        Files.getLastModifiedTime(p).toMillis()));
                                    } catch (IOException e) {
                                        // deleted meanwhile
                                    }
                                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }
        if (table.io() instanceof SupportsPrefixOperations prefixes) {
            prefixes.listPrefix(location).forEach(out::add);
            return out;
        }
        throw new IllegalStateException(
                "Cannot list "
                        + location
                        + ": the table's FileIO ("
                        + table.io().getClass().getName()
                        + ") cannot list files. Use HadoopFileIO or S3FileIO.");
    }

    /** A file location without scheme noise ({@code file:/a}, {@code file:///a} → {@code /a}). */
    static String path(String location) {
        if (location.startsWith("file:")) {
            return URI.create(location).getPath();
        }
        return location;
    }
}
