package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cluster.LocalFlinkCluster;
import dev.sluice.gate.AuditLog;
import dev.sluice.lifecycle.JdbcRetentionPlan;
import dev.sluice.lifecycle.MaintainJob;
import dev.sluice.lifecycle.MaintenanceJob;
import dev.sluice.lifecycle.MaintenanceLock;
import dev.sluice.lifecycle.MaintenanceOnce;
import dev.sluice.lifecycle.MaintenanceSchedule;
import dev.sluice.lifecycle.RetentionPlanner;
import dev.sluice.lifecycle.TableMaintenancePlan;
import dev.sluice.lifecycle.WarehouseCatalog;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineException;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice maintain}: retention and Iceberg table maintenance, once or long-running. */
@Command(
        name = "maintain",
        mixinStandardHelpOptions = true,
        description = {
            "Keep Iceberg tables healthy as the policy's retention: says: delete rows past keep:"
                    + " (by time_column), compact data files (folding equality deletes in),"
                    + " expire snapshots (snapshots: keep_last, max_age) and, with --once, remove"
                    + " orphan files; and delete rows past keep: from the JDBC tables pipelines"
                    + " write (found through --pipelines). Every action goes to the audit log"
                    + " (sluice audit --kind maintenance).",
            "--check validates the retention entries against the catalog and prints the plan."
                    + " --once TABLE runs every step once on one table and exits; without it the"
                    + " maintenance job runs in a local Flink cluster until Ctrl-C.",
            "One lock per table in the lock database (--lock-jdbc-url) keeps two maintenance runs"
                    + " off one table. Exit code 0 ok, 1 invalid policy or options or a table"
                    + " whose lock is held, 3 when the catalog or lock database is unreachable."
        })
final class MaintainCommand implements Callable<Integer> {
    private static final Pattern PERIOD = Pattern.compile("(\\d+)\\s*(s|m|min|h|d|w)");

    @Spec CommandSpec spec;

    @Option(
            names = "--once",
            paramLabel = "TABLE",
            description =
                    "Run every step once on this table (database.table or warehouse.database.table).")
    String once;

    @Option(
            names = "--check",
            description = "Only validate retention against the catalog and print the plan.")
    boolean check;

    @Option(
            names = "--lock-jdbc-url",
            paramLabel = "URL",
            description = "JDBC database holding the maintenance locks (required unless --check).")
    String lockUrl;

    @Option(names = "--lock-user", paramLabel = "USER", description = "Lock database user.")
    String lockUser;

    @Option(
            names = "--lock-password-env",
            paramLabel = "NAME",
            description = "Environment variable holding the lock database password.")
    String lockPasswordEnv;

    @Option(
            names = "--audit-log",
            paramLabel = "FILE",
            description =
                    "Audit log (default: $SLUICE_AUDIT_LOG or .sluice/audit/gate-decisions.jsonl).")
    Path auditLog;

    @Option(
            names = "--eager",
            description =
                    "Long-running: act every few commits and seconds instead of the production schedule.")
    boolean eager;

    @Option(
            names = "--orphan-min-age",
            paramLabel = "AGE",
            description =
                    "--once: remove unreferenced files only when older than this (default: ${DEFAULT-VALUE}).")
    String orphanMinAge = "3d";

    @Option(
            names = "--break-lock",
            description =
                    "--once: take over the table's lock when held. Only for a lock a killed run"
                            + " left behind; never while another run is alive.")
    boolean breakLock;

    @Option(
            names = "--pipelines",
            paramLabel = "FILE|DIR",
            description =
                    "Pipeline files or folders, repeatable (default: sql/pipelines when it"
                            + " exists): retention: entries for JDBC datasets apply to the JDBC"
                            + " tables these pipelines write, reached with their connection"
                            + " options (pass their variables with --var/--secret-env/--secret-file).")
    List<Path> pipelines = new ArrayList<>();

    @Option(
            names = "--sql-catalog",
            paramLabel = "DIR",
            description = "Catalog folder of the pipelines (default: sql/catalog).")
    Path sqlCatalog;

    @Mixin WarehouseOptions warehouseOptions = new WarehouseOptions();

    @Mixin VariableOptions variableOptions;

    @Option(
            names = "--timeout",
            paramLabel = "AGE",
            description = "--once: give up after this long (default: ${DEFAULT-VALUE}).")
    String timeout = "10m";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        WarehouseCatalog warehouseCatalog = warehouseOptions.warehouseCatalog();
        Map<String, TableMaintenancePlan> plans;
        List<JdbcRetentionPlan> jdbcPlans;
        try {
            RetentionPlanner.All all =
                    RetentionPlanner.loadAll(
                            warehouseOptions.policySpecs(), warehouseCatalog, this::loadPipelines);
            plans = all.iceberg();
            jdbcPlans = all.jdbc();
        } catch (PolicyException e) {
            throw new UserError(e.getMessage());
        } catch (SqlFileException | PipelineException e) {
            String problems =
                    e instanceof PipelineException p
                            ? String.join(
                                    "\n",
                                    p.problems().stream().map(SqlFileException::describe).toList())
                            : ((SqlFileException) e).describe();
            throw new UserError(
                    problems
                            + "\n(retention: names a JDBC dataset, so sluice maintain reads the"
                            + " pipelines that write JDBC tables to reach them: fix the file, or"
                            + " pass its variables with --var/--secret-env/--secret-file.)");
        } catch (RuntimeException e) {
            throw new UserError(
                    "Cannot read the Iceberg catalog: "
                            + e.getMessage()
                            + ". Check --warehouse / --catalog.",
                    ExitCodes.UNAVAILABLE,
                    e);
        }
        if (check) {
            plans.values().forEach(p -> out.println(describe(warehouseCatalog, p)));
            jdbcPlans.forEach(p -> out.println(describe(p)));
            out.println("retention: OK (" + (plans.size() + jdbcPlans.size()) + " tables)");
            out.flush();
            return ExitCodes.OK;
        }
        if (lockUrl == null) {
            throw new UserError(
                    "Missing --lock-jdbc-url: maintenance takes a lock per table in a JDBC database,"
                            + " e.g. --lock-jdbc-url jdbc:postgresql://localhost:5432/sluice.");
        }
        MaintenanceLock lock;
        List<TableMaintenancePlan> selected;
        Path audit = auditLog != null ? auditLog : AuditLog.fromEnvironment().file();
        try {
            lock = MaintainJob.lock(lockUrl, lockUser, lockPasswordEnv);
            if (once != null) {
                for (JdbcRetentionPlan p : jdbcPlans) {
                    if (p.dataset().equals(once)) {
                        return runJdbcOnce(out, p, lock, audit);
                    }
                }
            }
            selected = MaintainJob.select(plans, once == null ? List.of() : List.of(once));
        } catch (IllegalArgumentException e) {
            throw new UserError(
                    jdbcPlans.isEmpty()
                            ? e.getMessage()
                            : e.getMessage()
                                    + " JDBC tables with retention: "
                                    + jdbcPlans.stream().map(JdbcRetentionPlan::dataset).toList()
                                    + ".");
        }
        return once != null
                ? runOnce(out, warehouseCatalog, selected.get(0), lock, audit)
                : runJob(out, warehouseCatalog, selected, jdbcPlans, lock, audit);
    }

    private int runOnce(
            PrintWriter out,
            WarehouseCatalog warehouseCatalog,
            TableMaintenancePlan plan,
            MaintenanceLock lock,
            Path audit)
            throws Exception {
        out.println(describe(warehouseCatalog, plan));
        out.flush();
        MaintenanceOnce.Report report;
        try {
            report =
                    MaintenanceOnce.run(
                            warehouseCatalog,
                            plan,
                            lock,
                            period(orphanMinAge, "--orphan-min-age"),
                            audit,
                            period(timeout, "--timeout"),
                            breakLock);
        } catch (MaintenanceOnce.TableBusyException e) {
            throw new UserError(e.getMessage());
        }
        for (JsonNode r : report.records()) {
            out.println("  " + summary(r));
        }
        out.printf(
                "Maintained %s in %.1f s: %d actions, audited in %s%n",
                report.table(), report.took().toMillis() / 1000.0, report.records().size(), audit);
        out.flush();
        return ExitCodes.OK;
    }

    private int runJdbcOnce(
            PrintWriter out, JdbcRetentionPlan plan, MaintenanceLock lock, Path audit)
            throws Exception {
        out.println(describe(plan));
        out.flush();
        MaintenanceOnce.Report report;
        try {
            report = MaintenanceOnce.runJdbc(plan, lock, audit, breakLock);
        } catch (MaintenanceOnce.TableBusyException e) {
            throw new UserError(e.getMessage());
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage(), ExitCodes.UNAVAILABLE, null);
        }
        for (JsonNode r : report.records()) {
            out.println("  " + summary(r));
        }
        out.printf(
                "Maintained %s in %.1f s: %d actions, audited in %s%n",
                report.table(), report.took().toMillis() / 1000.0, report.records().size(), audit);
        out.flush();
        return ExitCodes.OK;
    }

    /** The pipelines whose JDBC tables retention may name; loaded only when it does. */
    private List<Pipeline> loadPipelines() {
        List<Path> given = pipelines;
        if (given.isEmpty()) {
            Path fallback = Path.of("sql", "pipelines");
            if (!Files.isDirectory(fallback)) {
                return List.of();
            }
            given = List.of(fallback);
        }
        Path catalogFolder = SqlFileArguments.catalogFolder(sqlCatalog);
        Variables variables = variableOptions.resolve(System.getenv(), Variables.empty());
        List<SourceText> catalogFiles = new ArrayList<>();
        for (String spec : SqlFileArguments.catalogFiles(catalogFolder)) {
            catalogFiles.add(SqlFiles.read(spec));
        }
        List<Pipeline> out = new ArrayList<>();
        for (Path file : SqlFileArguments.expand(given)) {
            if (SqlFileArguments.isInside(file, catalogFolder)) {
                continue;
            }
            out.add(PipelineLoader.load(catalogFiles, SqlFiles.read(file), variables));
        }
        return out;
    }

    static String describe(JdbcRetentionPlan p) {
        return p.dataset()
                + ": rows keep "
                + days(p.keep())
                + " by "
                + p.timeColumn()
                + " (JDBC table "
                + p.table()
                + " written by "
                + p.writer()
                + "; "
                + p.declaredAt()
                + ")";
    }

    private int runJob(
            PrintWriter out,
            WarehouseCatalog warehouseCatalog,
            List<TableMaintenancePlan> plans,
            List<JdbcRetentionPlan> jdbcPlans,
            MaintenanceLock lock,
            Path audit)
            throws Exception {
        try (LocalFlinkCluster cluster = LocalFlinkCluster.start(2)) {
            StreamExecutionEnvironment env = cluster.environment(new Configuration());
            MaintenanceJob.build(
                    env,
                    warehouseCatalog,
                    plans,
                    lock,
                    eager ? MaintenanceSchedule.eager() : MaintenanceSchedule.defaults(),
                    audit);
            MaintenanceJob.buildJdbcRetention(
                    env,
                    jdbcPlans,
                    lock,
                    eager ? MaintenanceSchedule.eager() : MaintenanceSchedule.defaults(),
                    audit);
            JobClient job = env.executeAsync("sluice maintain " + warehouseCatalog.name());
            plans.forEach(p -> out.println(describe(warehouseCatalog, p)));
            jdbcPlans.forEach(p -> out.println(describe(p)));
            out.println(
                    "Maintenance job " + job.getJobID() + " running; web UI " + cluster.webUi());
            out.println(
                    "Actions go to " + audit + " (sluice audit --kind maintenance). Ctrl-C stops.");
            out.flush();
            AtomicBoolean stopping = new AtomicBoolean();
            try (StopSignals signals =
                    StopSignals.install(
                            () -> {
                                stopping.set(true);
                                job.cancel();
                            })) {
                job.getJobExecutionResult().get();
            } catch (ExecutionException e) {
                if (!stopping.get()) {
                    throw new UserError(
                            "Maintenance job failed: "
                                    + ExceptionUtils.stripExecutionException(e).getMessage(),
                            ExitCodes.INVALID,
                            e);
                }
            }
            out.println("Maintenance job stopped.");
            return ExitCodes.OK;
        }
    }

    static String describe(WarehouseCatalog catalog, TableMaintenancePlan p) {
        StringBuilder b = new StringBuilder(catalog.name() + "." + p.table() + ":");
        if (p.hasRowRetention()) {
            b.append(" rows keep ")
                    .append(days(p.keepRows()))
                    .append(" by ")
                    .append(p.timeColumn());
        } else {
            b.append(" rows kept");
        }
        b.append("; snapshots keep_last ")
                .append(p.keepLastSnapshots() == null ? "default" : p.keepLastSnapshots())
                .append(", max_age ")
                .append(p.maxSnapshotAge() == null ? "default" : days(p.maxSnapshotAge()));
        b.append("; compaction on");
        if (p.declaredAt() != null) {
            b.append(" (").append(p.declaredAt()).append(")");
        }
        return b.toString();
    }

    private static String days(Duration d) {
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + "h";
        }
        return d.toSeconds() + "s";
    }

    static String summary(JsonNode r) {
        String action = r.path("action").asText();
        String detail =
                switch (action) {
                    case "retention" ->
                            r.path("rowsDeleted").asLong()
                                    + " rows deleted with "
                                    + r.path("timeColumn").asText()
                                    + " before "
                                    + r.path("cutoff").asText();
                    case "rewrite-data-files" ->
                            r.path("deletedDataFiles").asLong()
                                    + " data files rewritten into "
                                    + r.path("addedDataFiles").asLong()
                                    + ", "
                                    + r.path("removedDeleteFiles").asLong(0)
                                    + " delete files dropped";
                    case "expire-snapshots" ->
                            r.path("expiredSnapshotIds").size()
                                    + " snapshots expired, "
                                    + r.path("filesRemoved").asLong()
                                    + " files removed";
                    case "delete-orphan-files" ->
                            r.path("filesRemoved").asLong() + " orphan files removed";
                    default -> r.path("detail").asText("");
                };
        return String.format("%-20s %-7s %s", action, r.path("outcome").asText(), detail);
    }

    static Duration period(String text, String option) {
        Matcher m = PERIOD.matcher(text.strip());
        if (!m.matches()) {
            throw new UserError(
                    "Invalid "
                            + option
                            + ": '"
                            + text
                            + "'. Use a count and a unit s, m, h, d or w, e.g. 3d or 10m.");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }
}
