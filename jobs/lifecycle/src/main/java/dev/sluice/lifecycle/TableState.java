package dev.sluice.lifecycle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
        Set<String> files = null;
        if (table.io() instanceof SupportsPrefixOperations prefixes) {
            files = new TreeSet<>();
            for (FileInfo f : prefixes.listPrefix(table.location())) {
                files.add(f.location());
            }
        }
        return new TableState(snapshots, files);
    }
}
