package dev.sluice.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

/**
 * What an Iceberg table's current snapshot reads: live data files, the delete files applying to
 * them, their bytes, and how many snapshots the table keeps.
 */
record TableFiles(long dataFiles, long deleteFiles, long bytes, long snapshots) {

    static TableFiles of(Table table) {
        table.refresh();
        long data = 0;
        long bytes = 0;
        Set<String> deletes = new HashSet<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                data++;
                bytes += task.file().fileSizeInBytes();
                for (DeleteFile d : task.deletes()) {
                    if (deletes.add(d.location())) {
                        bytes += d.fileSizeInBytes();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long snapshots = 0;
        for (var ignored : table.snapshots()) {
            snapshots++;
        }
        return new TableFiles(data, deletes.size(), bytes, snapshots);
    }
}
