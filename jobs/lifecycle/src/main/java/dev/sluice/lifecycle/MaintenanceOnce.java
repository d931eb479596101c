package dev.sluice.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gate.AuditLog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.maintenance.api.DeleteOrphanFiles;
import org.apache.iceberg.flink.maintenance.api.TableMaintenance;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.apache.iceberg.flink.maintenance.operator.TableChange;

/**
 * One maintenance run of one table ({@code sluice maintain --once TABLE}): under the table's lock,
 * row retention first, then Iceberg's {@code TableMaintenance} tasks once each in a local Flink
 * cluster: orphan removal, compaction (which folds the retention deletes in), snapshot expiry. If
 * another run holds the lock it refuses rather than waits.
 */
public final class MaintenanceOnce {
    private static final int TASKS = 3;

    /** What the run did, as written to the audit log, and how long it took. */
    public record Report(String table, List<JsonNode> records, Duration took) {}

    private MaintenanceOnce() {}

    /** Thrown when another maintenance run holds the table's lock. */
    public static final class TableBusyException extends RuntimeException {
        TableBusyException(String message) {
            super(message);
        }
    }

    public static Report run(
            WarehouseCatalog catalog,
            TableMaintenancePlan plan,
            MaintenanceLock lock,
            Duration orphanMinAge,
            Path auditFile,
            Duration timeout)
            throws Exception {
        return run(catalog, plan, lock, orphanMinAge, auditFile, timeout, false);
    }

    /**
     * As {@link #run(WarehouseCatalog, TableMaintenancePlan, MaintenanceLock, Duration, Path,
     * Duration)}; with {@code breakLock}, a held lock is taken over instead of refused. Only for a
     * lock left behind by a run that was killed: breaking the lock of a live run lets two runs work
     * on one table.
     */
    public static Report run(
            WarehouseCatalog catalog,
            TableMaintenancePlan plan,
            MaintenanceLock lock,
            Duration orphanMinAge,
            Path auditFile,
            Duration timeout,
            boolean breakLock)
            throws Exception {
        TableIdentifier id = TableIdentifier.parse(plan.table());
        String name = catalog.qualified(id);
        return underLock(
                name,
                lock,
                auditFile,
                breakLock,
                () -> {
                    if (plan.hasRowRetention()) {
                        Table table = catalog.open().loadTable(id);
                        RetentionDelete.Result result =
                                RetentionDelete.deleteOlderThan(
                                        table,
                                        plan.timeColumn(),
                                        Instant.now().minus(plan.keepRows()));
                        new MaintenanceAudit(auditFile, "once")
                                .retention(name, result, plan.timeColumn());
                    }
                    runTasks(catalog, plan, orphanMinAge, auditFile, timeout);
                });
    }

    /**
     * Row retention of one JDBC table once ({@code sluice maintain --once crm.customers}), under
     * the table's lock like an Iceberg table's run; refuses when another run holds it.
     */
    public static Report runJdbc(
            JdbcRetentionPlan plan, MaintenanceLock lock, Path auditFile, boolean breakLock)
            throws Exception {
        String name = plan.dataset();
        return underLock(
                name,
                lock,
                auditFile,
                breakLock,
                () -> {
                    RetentionDelete.Result result;
                    try {
                        result =
                                JdbcRetentionDelete.deleteOlderThan(
                                        plan, Instant.now().minus(plan.keep()));
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(
                                "Retention of "
                                        + name
                                        + " failed: "
                                        + JdbcRetentionRun.redacted(plan, e.getMessage()));
                    }
                    new MaintenanceAudit(auditFile, "once")
                            .retention(name, result, plan.timeColumn());
                });
    }

    /** What a run does while it holds the table's lock. */
    private interface Locked {
        void run() throws Exception;
    }

    /**
     * Runs {@code work} holding the lock of {@code name} (refusing when another run holds it, or
     * taking it over with {@code breakLock}) and reports the audit records it wrote for the table.
     */
    private static Report underLock(
            String name, MaintenanceLock lock, Path auditFile, boolean breakLock, Locked work)
            throws Exception {
        Instant start = Instant.now();
        int auditedBefore = new AuditLog(auditFile, null).read().size();
        lock.prepare();
        TriggerLockFactory locks = lock.forTable(name);
        locks.open();
        try {
            TriggerLockFactory.Lock tableLock = locks.createLock();
            if (breakLock && tableLock.isHeld()) {
                tableLock.unlock();
            }
            if (!tableLock.tryLock()) {
                throw new TableBusyException(
                        "Maintenance of "
                                + name
                                + " is running elsewhere (lock sluice:"
                                + name
                                + " is held). Wait for it to finish, or stop the other run;"
                                + " two runs never work on one table at once. A lock left by a"
                                + " killed run: --break-lock takes it over.");
            }
            try {
                work.run();
            } finally {
                tableLock.unlock();
            }
        } finally {
            locks.close();
        }
        List<JsonNode> all = new AuditLog(auditFile, null).read();
        List<JsonNode> mine =
                all.subList(auditedBefore, all.size()).stream()
                        .filter(r -> name.equals(r.path("table").asText()))
                        .toList();
        return new Report(name, mine, Duration.between(start, Instant.now()));
    }

    private static void runTasks(
            WarehouseCatalog catalog,
            TableMaintenancePlan plan,
            Duration orphanMinAge,
            Path auditFile,
            Duration timeout)
            throws Exception {
        String runId = UUID.randomUUID().toString();
        Configuration conf = new Configuration();
        // a local cluster in this JVM (or the test cluster of a test)
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        TableIdentifier id = TableIdentifier.parse(plan.table());
        TriggerLockFactory runLock =
                new AuditingLockFactory(
                        new OnceLockFactory(runId), catalog, plan.table(), auditFile, "once");
        TableMaintenance.forChangeStream(
                        env.addSource(
                                        new OneChange(),
                                        "One change",
                                        TypeInformation.of(TableChange.class))
                                .setParallelism(1),
                        catalog.tableLoader(id),
                        runLock)
                .rateLimit(Duration.ofMillis(50))
                .lockCheckDelay(Duration.ofMillis(100))
                .parallelism(1)
                // orphans first: Iceberg 1.10.1's orphan task lists metadata files of the table as
                // loaded when the job started (apache/iceberg#15487), so it must run before this
                // job's own commits
                .add(DeleteOrphanFiles.builder().minAge(orphanMinAge).scheduleOnCommitCount(1))
                .add(MaintenanceJob.compaction().scheduleOnCommitCount(1))
                .add(MaintenanceJob.expiry(plan).scheduleOnCommitCount(1))
                .append();
        JobClient job = env.executeAsync("sluice maintain --once " + catalog.qualified(id));
        Instant deadline = Instant.now().plus(timeout);
        try {
            while (OnceLockFactory.finished(runId) < TASKS) {
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    job.getJobExecutionResult().get(); // throws the job's failure
                    throw new IllegalStateException(
                            "The maintenance job of " + id + " ended before its tasks finished.");
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(
                            "Maintenance of "
                                    + id
                                    + " did not finish within "
                                    + timeout.toSeconds()
                                    + " s. Raise --timeout; the table stays readable and the next"
                                    + " run picks up where this one stopped.");
                }
                Thread.sleep(100);
            }
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
            OnceLockFactory.forget(runId);
        }
    }
}
