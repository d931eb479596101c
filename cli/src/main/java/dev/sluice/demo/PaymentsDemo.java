package dev.sluice.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cluster.IsolatedMySqlIngest;
import dev.sluice.cluster.LocalFlinkCluster;
import dev.sluice.gate.AuditLog;
import dev.sluice.harness.Await;
import dev.sluice.harness.EmbeddedStack;
import dev.sluice.harness.LoadGenerator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.TimeUtils;

/**
 * {@code sluice demo}: the payments scenario on the embedded stack with live traffic, printing rows
 * per table in Postgres, staging and Iceberg, the change rate and the source-commit → Iceberg lag.
 */
public final class PaymentsDemo {

    /** What the user can choose. */
    public record Settings(
            Duration duration,
            int transactionsPerSecond,
            int customers,
            Path workDir,
            EmbeddedStack.Warehouse warehouse,
            PaymentsScenario.Source source) {

        /** From PostgreSQL. */
        public Settings(
                Duration duration,
                int transactionsPerSecond,
                int customers,
                Path workDir,
                EmbeddedStack.Warehouse warehouse) {
            this(
                    duration,
                    transactionsPerSecond,
                    customers,
                    workDir,
                    warehouse,
                    PaymentsScenario.Source.POSTGRES);
        }

        /** With the folder warehouse. */
        public Settings(Duration duration, int transactionsPerSecond, int customers, Path workDir) {
            this(
                    duration,
                    transactionsPerSecond,
                    customers,
                    workDir,
                    EmbeddedStack.Warehouse.FOLDER);
        }
    }

    /**
     * How long {@link #run()} takes at most to return after {@link #requestStop()} while nothing
     * hangs: the traffic stops, the final figures print without waiting for Iceberg to catch up,
     * the jobs are cancelled (within {@link RunningJobs#CANCEL_TIMEOUT}) and the stack closes.
     */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration REPORT_EVERY = Duration.ofSeconds(2);
    private static final Duration CATCH_UP_DEADLINE = Duration.ofSeconds(90);
    private static final Duration STOP_CHECK_EVERY = Duration.ofMillis(100);

    private final Settings settings;
    private final PrintStream out;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private IcebergCommitLag commitLag;

    public PaymentsDemo(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Asks a running demo to stop early (Ctrl-C): it stops the traffic, skips waiting for Iceberg
     * to catch up, still shows its final figures and returns within {@link #STOP_TIMEOUT}.
     */
    public void requestStop() {
        stopRequested.set(true);
    }

    public void run() throws Exception {
        long started = System.nanoTime();
        boolean mysql = settings.source() == PaymentsScenario.Source.MYSQL;
        out.println(
                "Starting the embedded stack ("
                        + (mysql ? "MariaDB, " : "")
                        + (settings.warehouse() == EmbeddedStack.Warehouse.REST
                                ? "PostgreSQL, Kafka, S3-compatible object store, Iceberg REST"
                                        + " catalog"
                                : "PostgreSQL, Kafka, Iceberg")
                        + ") under "
                        + settings.workDir()
                        + " ...");
        try (EmbeddedStack stack =
                        EmbeddedStack.start(settings.workDir(), settings.warehouse(), mysql);
                // the MySQL ingest runs from its own job jar, in a class loader the cluster sets
                // up for it (see IsolatedMySqlIngest)
                LocalFlinkCluster flink =
                        LocalFlinkCluster.start(
                                8,
                                mysql
                                        ? IsolatedMySqlIngest.clusterConfiguration()
                                        : new Configuration())) {
            out.println(stack.describe());
            out.printf("  Flink web UI: %s%n", flink.webUi());
            out.printf("Stack ready after %.1f s (%s).%n", seconds(started), startupTimes(stack));

            PaymentsScenario scenario =
                    new PaymentsScenario(stack, 42, Duration.ofSeconds(1), settings.source());
            scenario.createSourceDatabase(settings.customers());
            out.printf(
                    "Created database '%s' in %s with %s%n",
                    PaymentsDatabase.NAME,
                    scenario.sourceName(),
                    scenario.traffic().rowChangesByTable());
            if (stopRequested.get()) {
                out.println("Stop requested; the jobs are not started.");
            } else {
                runJobs(scenario, stack, flink, started);
            }
        }
        out.println("Stopped the jobs and the embedded stack. Nothing is left running.");
    }

    /** e.g. {@code postgres 4.1 s, kafka 3.2 s, iceberg 0.1 s, total 4.3 s}. */
    private static String startupTimes(EmbeddedStack stack) {
        StringBuilder line = new StringBuilder();
        stack.startupTimes()
                .forEach(
                        (part, time) -> {
                            if (line.length() > 0) {
                                line.append(", ");
                            }
                            line.append(part)
                                    .append(' ')
                                    .append(String.format("%.1f s", time.toMillis() / 1000.0));
                        });
        return line.toString();
    }

    /** Starts the jobs, drives traffic and reports; the jobs end before this returns or throws. */
    private void runJobs(
            PaymentsScenario scenario, EmbeddedStack stack, LocalFlinkCluster flink, long started)
            throws Exception {
        long jobsStarted = System.nanoTime();
        try (RunningJobs jobs = new RunningJobs(out)) {
            JobClient ingest = jobs.add("ingest", scenario.startIngest(flink));
            out.println(
                    "Ingest job "
                            + ingest.getJobID()
                            + ": "
                            + PaymentsDatabase.TABLES
                            + " → staging topics");
            JobClient pipeline =
                    jobs.add(
                            "pipeline",
                            scenario.startPipeline(flink.environment(new Configuration())));
            out.println("Pipeline job " + pipeline.getJobID() + ": " + PaymentsScenario.PIPELINE);
            JobClient crm =
                    jobs.add(
                            "crm pipeline",
                            scenario.startCrmPipeline(flink.environment(new Configuration())));
            out.println(
                    "Pipeline job "
                            + crm.getJobID()
                            + ": "
                            + PaymentsScenario.CRM_PIPELINE
                            + " (same staging, JDBC into database '"
                            + PaymentsScenario.CRM_DATABASE
                            + "')");
            JobClient maintenance =
                    jobs.add(
                            "maintenance",
                            scenario.startMaintenance(flink.environment(new Configuration())));
            out.println(
                    "Maintenance job "
                            + maintenance.getJobID()
                            + ": compaction, snapshot expiry (older than "
                            + PaymentsScenario.DEMO_SNAPSHOT_AGE.toSeconds()
                            + " s in the demo) and retention of the warehouse tables");
            out.printf(
                    "Jobs submitted after %.1f s (startup %.1f s in all). Driving %d"
                            + " transactions/s for %s (Ctrl-C stops early).%n",
                    seconds(jobsStarted),
                    seconds(started),
                    settings.transactionsPerSecond(),
                    TimeUtils.formatWithHighestUnit(settings.duration()));

            try (DemoCatalog catalogPage = DemoCatalog.start(scenario, stack, out);
                    StagingTopicCounter staging =
                            new StagingTopicCounter(
                                    stack.kafka().bootstrapServers(), scenario.stagingTopics());
                    IcebergCommitLag lag =
                            new IcebergCommitLag(
                                    () ->
                                            stack.iceberg()
                                                    .loadTable(
                                                            PaymentsScenario.warehouseTable(
                                                                    "payments")),
                                    "updated_at")) {
                commitLag = lag;
                driveTraffic(scenario, stack, staging);
                out.println();
                String title;
                if (stopRequested.get()) {
                    out.println(
                            "Stopped early; not waiting for Iceberg to catch up with the source.");
                    title = "final (stopped early)";
                } else {
                    out.println(
                            "Traffic stopped; waiting for Iceberg and the CRM table to catch up with the source ...");
                    title = awaitCatchUp(scenario, stack) ? "final" : "final (still catching up)";
                }
                report(scenario, stack, staging, title);
                printLag();
                printTableFiles(scenario, stack);
                printMaskedRows(stack);
                printCrmRows(scenario);
            }
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private void driveTraffic(
            PaymentsScenario scenario, EmbeddedStack stack, StagingTopicCounter staging)
            throws Exception {
        int connections = connectionsFor(settings.transactionsPerSecond());
        List<PaymentsTraffic> lanes = scenario.traffic().lanes(connections);
        LoadGenerator.Result result;
        try (LoadGenerator load =
                LoadGenerator.start(
                        new LoadGenerator.Settings(
                                connections, settings.transactionsPerSecond(), settings.duration()),
                        scenario::connect,
                        lane -> lanes.get(lane)::step)) {
            long lastChanges = scenario.traffic().rowChanges();
            long lastTick = System.nanoTime();
            while (!load.await(STOP_CHECK_EVERY)) {
                if (stopRequested.get()) {
                    load.stop();
                    continue;
                }
                long now = System.nanoTime();
                if (now - lastTick < REPORT_EVERY.toNanos()) {
                    continue;
                }
                long changes = scenario.traffic().rowChanges();
                out.printf(
                        "%n%s  %,d row changes committed (%.0f/s)%n",
                        Instant.now().toString().substring(11, 19),
                        changes,
                        (changes - lastChanges) / ((now - lastTick) / 1e9));
                lastChanges = changes;
                lastTick = now;
                try {
                    report(scenario, stack, staging, null);
                } catch (Exception e) {
                    // no transaction is written once this throws
                    load.stop();
                    throw e;
                }
            }
            result = load.result();
        }
        out.printf("%nTraffic: %s%n", result.describe());
    }

    /**
     * Connections for a rate of transactions per second: one takes about 1,000 of the demo's small
     * transactions per second on the 2-core build machine, so one per 400 leaves headroom.
     */
    static int connectionsFor(int transactionsPerSecond) {
        return Math.min(16, Math.max(1, (transactionsPerSecond + 399) / 400));
    }

    /**
     * Waits until every Iceberg table, and the CRM table, has as many rows as its source table
     * (PostgreSQL or MariaDB); false when that takes longer than {@link #CATCH_UP_DEADLINE} or a
     * stop is requested meanwhile.
     */
    private boolean awaitCatchUp(PaymentsScenario scenario, EmbeddedStack stack) throws Exception {
        try {
            return Await.value(
                    "Iceberg and the CRM table to catch up with the source database",
                    CATCH_UP_DEADLINE,
                    () -> {
                        if (sinksMatchSource(scenario, stack)) {
                            return true;
                        }
                        return stopRequested.get() ? false : null;
                    });
        } catch (TimeoutException stillCatchingUp) {
            return false;
        }
    }

    private static boolean sinksMatchSource(PaymentsScenario scenario, EmbeddedStack stack)
            throws SQLException {
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            if (scenario.sourceRows(table)
                    != stack.iceberg().rowCount(PaymentsScenario.warehouseTable(table))) {
                return false;
            }
        }
        return scenario.sourceRows("customers") == scenario.crmRows();
    }

    private void report(
            PaymentsScenario scenario,
            EmbeddedStack stack,
            StagingTopicCounter staging,
            String title)
            throws Exception {
        if (title != null) {
            out.printf("%n%s%n", title);
        }
        out.printf(
                "  %-10s %10s %16s %10s %10s%n",
                "table",
                scenario.source() == PaymentsScenario.Source.MYSQL ? "mariadb" : "postgres",
                "staging changes",
                "iceberg",
                "crm (jdbc)");
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            out.printf(
                    "  %-10s %,10d %,16d %,10d %10s%n",
                    table,
                    scenario.sourceRows(table),
                    staging.count(scenario.stagingTopic(table)),
                    stack.iceberg().rowCount(PaymentsScenario.warehouseTable(table)),
                    table.equals("customers") ? String.format("%,d", scenario.crmRows()) : "-");
        }
        List<Long> lags = commitLag.lagsMillis();
        if (!lags.isEmpty()) {
            out.printf(
                    "  lag source commit → visible in Iceberg (last commit): %.1f s%n",
                    lags.get(lags.size() - 1) / 1000.0);
        }
    }

    private void printLag() {
        List<Long> lags = commitLag.lagsMillis();
        if (lags.isEmpty()) {
            return;
        }
        Collections.sort(lags);
        out.printf(
                "  lag over %d Iceberg commits: median %.1f s, p90 %.1f s, max %.1f s%n",
                lags.size(),
                lags.get(lags.size() / 2) / 1000.0,
                lags.get((int) (lags.size() * 0.9)) / 1000.0,
                lags.get(lags.size() - 1) / 1000.0);
    }

    /** Files and snapshots of each Iceberg table, and what maintenance did to them. */
    private void printTableFiles(PaymentsScenario scenario, EmbeddedStack stack) {
        out.println();
        out.println("Iceberg tables (current snapshot) and the maintenance job's actions:");
        out.printf(
                "  %-10s %10s %12s %10s %12s %10s %10s%n",
                "table",
                "data files",
                "delete files",
                "snapshots",
                "bytes",
                "rewrites",
                "expiries");
        List<JsonNode> actions = new AuditLog(scenario.maintenanceAudit(), null).read();
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            TableFiles files =
                    TableFiles.of(
                            stack.iceberg().loadTable(PaymentsScenario.warehouseTable(table)));
            String name = "warehouse.payments." + table;
            out.printf(
                    "  %-10s %,10d %,12d %,10d %,12d %10d %10d%n",
                    table,
                    files.dataFiles(),
                    files.deleteFiles(),
                    files.snapshots(),
                    files.bytes(),
                    count(actions, name, "rewrite-data-files"),
                    count(actions, name, "expire-snapshots"));
        }
    }

    private static long count(List<JsonNode> actions, String table, String action) {
        return actions.stream()
                .filter(a -> table.equals(a.path("table").asText()))
                .filter(a -> action.equals(a.path("action").asText()))
                .count();
    }

    private void printCrmRows(PaymentsScenario scenario) throws SQLException {
        out.println();
        out.println(
                "A few rows of crm.customers (JDBC; name masked by mask, e-mail by mask_hash, phone"
                        + " by mask_show_last_n(phone, 2)):");
        scenario.crmSample(3).forEach(row -> out.println("  " + row));
    }

    private void printMaskedRows(EmbeddedStack stack) {
        out.println();
        out.println(
                "A few rows of warehouse.payments.cards (card_number masked by mask_show_last_n(card_number, 4)):");
        stack.iceberg().rows(PaymentsScenario.warehouseTable("cards")).stream()
                .limit(5)
                .forEach(
                        row -> {
                            Map<String, Object> shown = new LinkedHashMap<>();
                            for (String column :
                                    List.of(
                                            "id",
                                            "customer_id",
                                            "card_number",
                                            "brand",
                                            "expiry")) {
                                shown.put(column, row.get(column));
                            }
                            out.println("  " + shown);
                        });
    }
}
