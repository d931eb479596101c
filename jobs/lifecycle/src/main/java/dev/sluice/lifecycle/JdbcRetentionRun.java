package dev.sluice.lifecycle;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;

/** Row retention of one JDBC table on each tick of the long-running job. */
final class JdbcRetentionRun extends RetentionTick {
    private static final long serialVersionUID = 1L;

    private final JdbcRetentionPlan plan;

    JdbcRetentionRun(JdbcRetentionPlan plan, TriggerLockFactory locks, Path auditFile) {
        super(plan.dataset(), plan.timeColumn(), locks, auditFile);
        this.plan = plan;
    }

    @Override
    RetentionDelete.Result delete() throws SQLException {
        return JdbcRetentionDelete.deleteOlderThan(plan, Instant.now().minus(plan.keep()));
    }

    @Override
    String describe(Exception e) {
        return redacted(plan, super.describe(e));
    }

    /** A database message without the plan's password, should a driver quote it. */
    static String redacted(JdbcRetentionPlan plan, String message) {
        if (message == null || plan.password() == null || plan.password().isEmpty()) {
            return message;
        }
        return message.replace(plan.password(), "****");
    }
}
