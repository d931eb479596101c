package dev.sluice.lifecycle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.maintenance.api.ExpireSnapshots;
import org.apache.iceberg.flink.maintenance.api.RewriteDataFiles;
import org.apache.iceberg.flink.maintenance.api.TableMaintenance;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;

/**
 * The long-running maintenance job: per table, Iceberg's {@code TableMaintenance} watching the
 * table's commits and running compaction ({@code RewriteDataFiles}, which applies equality and
 * position deletes into new data files) and snapshot expiry ({@code ExpireSnapshots}, as the
 * policy's {@code snapshots:} says) on their schedules, plus row retention on an interval. All of
 * one table's tasks share its lock ({@link MaintenanceLock}), and every action is audited.
 *
 * <p>Orphan removal is not part of it: in Iceberg 1.10.1 a long-running {@code DeleteOrphanFiles}
 * keeps the table as loaded when the job started and, beside {@code ExpireSnapshots}, deletes
 * manifest lists of live snapshots once they are older than its minimum age (apache/iceberg#15487,
 * fixed upstream after 1.10.1). {@link MaintenanceOnce} runs it safely, first in a fresh job.
 */
public final class MaintenanceJob {

    private MaintenanceJob() {}

    /** Adds the maintenance of {@code plans} to {@code env} (one pipeline of operators each). */
    public static void build(
            StreamExecutionEnvironment env,
            WarehouseCatalog catalog,
            Collection<TableMaintenancePlan> plans,
            MaintenanceLock lock,
            MaintenanceSchedule schedule,
            Path auditFile)
            throws IOException {
        lock.prepare();
        for (TableMaintenancePlan plan : plans) {
            TableIdentifier id = TableIdentifier.parse(plan.table());
            String name = catalog.qualified(id);
            String uid = plan.table().replace('.', '-');
            TriggerLockFactory locks =
                    new AuditingLockFactory(
                            lock.forTable(name), catalog, plan.table(), auditFile, "job");
            TableMaintenance.forTable(env, catalog.tableLoader(id), locks)
                    .uidSuffix(uid)
                    .rateLimit(schedule.rateLimit())
                    .lockCheckDelay(schedule.lockCheckDelay())
                    .parallelism(1)
                    .add(
                            compaction()
                                    .scheduleOnCommitCount(schedule.compactAfterCommits())
                                    .scheduleOnDataFileCount(schedule.compactAfterDataFiles())
                                    .scheduleOnInterval(schedule.compactEvery()))
                    .add(
                            expiry(plan)
                                    .scheduleOnCommitCount(schedule.expireAfterCommits())
                                    .scheduleOnInterval(schedule.expireEvery()))
                    .append();
            if (plan.hasRowRetention()) {
                env.addSource(
                                new RetentionTicks(schedule.retentionEvery()),
                                "Retention ticks " + name)
                        .uid("retention-ticks-" + uid)
                        .setParallelism(1)
                        .process(new RetentionRun(catalog, plan, lock.forTable(name), auditFile))
                        .name("Retention " + name)
                        .uid("retention-" + uid)
                        .setParallelism(1)
                        .sinkTo(new DiscardingSink<>())
                        .name("Retention done " + name)
                        .uid("retention-done-" + uid)
                        .setParallelism(1);
            }
        }
    }

    /**
     * Adds the row retention of JDBC tables to {@code env}: per table, a tick every {@code
     * retentionEvery} of the schedule and a delete under the table's lock.
     */
    public static void buildJdbcRetention(
            StreamExecutionEnvironment env,
            Collection<JdbcRetentionPlan> plans,
            MaintenanceLock lock,
            MaintenanceSchedule schedule,
            Path auditFile)
            throws IOException {
        if (plans.isEmpty()) {
            return;
        }
        lock.prepare();
        for (JdbcRetentionPlan plan : plans) {
            String uid = "jdbc-" + plan.dataset().replace('.', '-');
            env.addSource(
                            new RetentionTicks(schedule.retentionEvery()),
                            "Retention ticks " + plan.dataset())
                    .uid("retention-ticks-" + uid)
                    .setParallelism(1)
                    .process(new JdbcRetentionRun(plan, lock.forTable(plan.dataset()), auditFile))
                    .name("Retention " + plan.dataset())
                    .uid("retention-" + uid)
                    .setParallelism(1)
                    .sinkTo(new DiscardingSink<>())
                    .name("Retention done " + plan.dataset())
                    .uid("retention-done-" + uid)
                    .setParallelism(1);
        }
    }

    /**
     * Compaction as Iceberg's Flink {@code RewriteDataFiles}: every data file that has a delete
     * applying to it, or is small, is rewritten with the deletes applied. The new files keep the
     * data sequence number of the snapshot the rewrite started from, so deletes the streaming
     * writer commits meanwhile still apply to them; a rewrite whose files changed underneath fails
     * validation and is retried by the next trigger, never overwriting a streaming commit.
     */
    static RewriteDataFiles.Builder compaction() {
        return RewriteDataFiles.builder().deleteFileThreshold(1).minInputFiles(2);
    }

    /** Snapshot expiry as the policy says; Iceberg's table defaults where it says nothing. */
    static ExpireSnapshots.Builder expiry(TableMaintenancePlan plan) {
        ExpireSnapshots.Builder b = ExpireSnapshots.builder().cleanExpiredMetadata(true);
        if (plan.keepLastSnapshots() != null) {
            b.retainLast(plan.keepLastSnapshots());
        }
        if (plan.maxSnapshotAge() != null) {
            b.maxSnapshotAge(plan.maxSnapshotAge());
        }
        return b;
    }
}
