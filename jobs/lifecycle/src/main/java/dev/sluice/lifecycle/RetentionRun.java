package dev.sluice.lifecycle;

import java.nio.file.Path;
import java.time.Instant;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Row retention of one table inside the long-running job: on each tick, under the table's
 * maintenance lock (skipped while another task holds it), deletes the rows past {@code keep} and
 * audits it.
 */
final class RetentionRun extends ProcessFunction<Long, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RetentionRun.class);

    private final WarehouseCatalog catalog;
    private final TableMaintenancePlan plan;
    private final TriggerLockFactory locks;
    private final String auditFile;
    private transient TriggerLockFactory.Lock lock;
    private transient MaintenanceAudit audit;

    RetentionRun(
            WarehouseCatalog catalog,
            TableMaintenancePlan plan,
            TriggerLockFactory locks,
            Path auditFile) {
        this.catalog = catalog;
        this.plan = plan;
        this.locks = locks;
        this.auditFile = auditFile.toString();
    }

    @Override
    public void open(Configuration parameters) {
        locks.open();
        lock = locks.createLock();
        audit = new MaintenanceAudit(Path.of(auditFile), "job");
    }

    @Override
    public void processElement(Long tick, Context ctx, Collector<Void> out) {
        if (!lock.tryLock()) {
            LOG.info(
                    "Retention of {} waits: another maintenance task holds the lock", plan.table());
            return;
        }
        String name = catalog.name() + "." + plan.table();
        try {
            Table table = catalog.open().loadTable(TableIdentifier.parse(plan.table()));
            RetentionDelete.Result result =
                    RetentionDelete.deleteOlderThan(
                            table, plan.timeColumn(), Instant.now().minus(plan.keepRows()));
            if (result.rowsDeleted() > 0) {
                audit.retention(name, result, plan.timeColumn());
            }
        } catch (RuntimeException e) {
            LOG.warn("Retention of {} failed; the next tick retries", name, e);
            audit.failure(name, "retention", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws Exception {
        locks.close();
    }
}
