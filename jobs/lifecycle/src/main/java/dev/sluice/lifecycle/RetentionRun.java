package dev.sluice.lifecycle;

import java.nio.file.Path;
import java.time.Instant;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;

/** Row retention of one Iceberg table on each tick of the long-running job. */
final class RetentionRun extends RetentionTick {
    private static final long serialVersionUID = 1L;

    private final WarehouseCatalog catalog;
    private final TableMaintenancePlan plan;

    RetentionRun(
            WarehouseCatalog catalog,
            TableMaintenancePlan plan,
            TriggerLockFactory locks,
            Path auditFile) {
        super(catalog.name() + "." + plan.table(), plan.timeColumn(), locks, auditFile);
        this.catalog = catalog;
        this.plan = plan;
    }

    @Override
    RetentionDelete.Result delete() {
        Table table = catalog.open().loadTable(TableIdentifier.parse(plan.table()));
        return RetentionDelete.deleteOlderThan(
                table, plan.timeColumn(), Instant.now().minus(plan.keepRows()));
    }
}
