package dev.sluice.lifecycle;

import java.io.Serializable;
import java.time.Duration;

/**
 * What the policy asks of one Iceberg table: rows kept ({@code keepRows} by {@code timeColumn},
 * both null when rows live forever) and snapshot history kept ({@code keepLastSnapshots}, {@code
 * maxSnapshotAge}; null for Iceberg's defaults). Compaction and orphan removal apply to every table
 * maintained.
 *
 * @param table {@code database.table} in the catalog
 * @param declaredAt where the retention entry that applies was declared ({@code file:line:col}), or
 *     null when none applies
 */
public record TableMaintenancePlan(
        String table,
        Duration keepRows,
        String timeColumn,
        Integer keepLastSnapshots,
        Duration maxSnapshotAge,
        String declaredAt)
        implements Serializable {

    /**
     * A table with no retention entry: compaction and orphan removal, Iceberg's expiry defaults.
     */
    public static TableMaintenancePlan defaults(String table) {
        return new TableMaintenancePlan(table, null, null, null, null, null);
    }

    public boolean hasRowRetention() {
        return keepRows != null && timeColumn != null;
    }
}
