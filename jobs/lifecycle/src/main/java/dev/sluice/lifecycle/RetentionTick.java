package dev.sluice.lifecycle;

import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Row retention of one table inside the long-running job: on each tick, under the table's
 * maintenance lock (skipped while another task holds it), deletes the rows past {@code keep} and
 * audits it; a failure is audited and the next tick retries. {@link #delete()} says how for an
 * Iceberg table ({@link RetentionRun}) or a JDBC table ({@link JdbcRetentionRun}).
 */
abstract class RetentionTick extends ProcessFunction<Long, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RetentionTick.class);

    private final String name;
    private final String timeColumn;
    private final TriggerLockFactory locks;
    private final String auditFile;
    private transient TriggerLockFactory.Lock lock;
    private transient MaintenanceAudit audit;

    RetentionTick(String name, String timeColumn, TriggerLockFactory locks, Path auditFile) {
        this.name = name;
        this.timeColumn = timeColumn;
        this.locks = locks;
        this.auditFile = auditFile.toString();
    }

    /** Deletes the rows of the table past its retention. */
    abstract RetentionDelete.Result delete() throws Exception;

    /** What a failure says in the log and the audit (a subclass removes secrets). */
    String describe(Exception e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
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
            LOG.info("Retention of {} waits: another maintenance task holds the lock", name);
            return;
        }
        try {
            RetentionDelete.Result result = delete();
            if (result.rowsDeleted() > 0) {
                audit.retention(name, result, timeColumn);
            }
        } catch (Exception e) {
            String detail = describe(e);
            LOG.warn("Retention of {} failed; the next tick retries: {}", name, detail);
            audit.failure(name, "retention", new IllegalStateException(detail));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws Exception {
        locks.close();
    }
}
