package dev.sluice.lifecycle;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Row retention of one JDBC table: on each tick of the long-running job (or once, for {@code sluice
 * maintain --once}), under the table's maintenance lock, deletes the rows past {@code keep} and
 * audits it. A tick that finds the lock held skips; a failure is audited and the next tick retries.
 */
final class JdbcRetentionRun extends ProcessFunction<Long, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JdbcRetentionRun.class);

    private final JdbcRetentionPlan plan;
    private final TriggerLockFactory locks;
    private final String auditFile;
    private transient TriggerLockFactory.Lock lock;
    private transient MaintenanceAudit audit;

    JdbcRetentionRun(JdbcRetentionPlan plan, TriggerLockFactory locks, Path auditFile) {
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
                    "Retention of {} waits: another maintenance task holds the lock",
                    plan.dataset());
            return;
        }
        try {
            RetentionDelete.Result result =
                    JdbcRetentionDelete.deleteOlderThan(plan, Instant.now().minus(plan.keep()));
            if (result.rowsDeleted() > 0) {
                audit.retention(plan.dataset(), result, plan.timeColumn());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn(
                    "Retention of {} failed; the next tick retries: {}",
                    plan.dataset(),
                    redacted(plan, e.getMessage()));
            audit.failure(
                    plan.dataset(),
                    "retention",
                    new IllegalStateException(redacted(plan, e.getMessage())));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws Exception {
        locks.close();
    }

    /** A database message without the plan's password, should a driver quote it. */
    static String redacted(JdbcRetentionPlan plan, String message) {
        if (message == null || plan.password() == null || plan.password().isEmpty()) {
            return message;
        }
        return message.replace(plan.password(), "****");
    }
}
