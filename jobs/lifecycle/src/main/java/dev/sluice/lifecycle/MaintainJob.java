package dev.sluice.lifecycle;

import dev.sluice.gate.AuditLog;
import dev.sluice.gate.PolicySources;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The long-running maintenance job as a cluster starts it (the entry class of the job jar for
 * {@code deploy render --maintain}): loads the policy, plans every table of the catalog and runs
 * {@link MaintenanceJob} until cancelled.
 *
 * <pre>
 * MaintainJob --catalog type=hadoop --catalog warehouse=s3a://bucket/warehouse \
 *     --lock-jdbc-url jdbc:postgresql://db:5432/sluice --lock-user sluice \
 *     [--lock-password-env SLUICE_LOCK_PASSWORD] [--policy classpath:sql/policy] [--table db.t]...
 *     [--pipeline classpath:sql/pipelines/growth/customers_to_crm.sql]...
 * </pre>
 */
@Command(name = "MaintainJob", mixinStandardHelpOptions = true)
public final class MaintainJob implements Callable<Integer> {

    @Option(
            names = "--catalog",
            paramLabel = "KEY=VALUE",
            description =
                    "Iceberg catalog property, repeatable (type, warehouse, uri, ...); default:"
                            + " type and warehouse from $ICEBERG_CATALOG_TYPE and"
                            + " $ICEBERG_WAREHOUSE, as the pipelines' catalog.")
    Map<String, String> catalog = new LinkedHashMap<>();

    @Option(
            names = "--catalog-name",
            paramLabel = "NAME",
            description = "The catalog's name in pipelines and the policy (default: warehouse).")
    String catalogName = "warehouse";

    @Option(
            names = "--lock-jdbc-url",
            paramLabel = "URL",
            required = true,
            description = "JDBC database of the maintenance locks.")
    String lockUrl;

    @Option(names = "--lock-user", paramLabel = "USER", description = "Lock database user.")
    String lockUser;

    @Option(
            names = "--lock-password-env",
            paramLabel = "NAME",
            description = "Environment variable holding the lock database password.")
    String lockPasswordEnv;

    @Option(
            names = "--policy",
            paramLabel = "PATH",
            description = "Policy file or folder, repeatable (default: classpath:sql/policy).")
    List<String> policy = new ArrayList<>();

    @Option(
            names = "--table",
            paramLabel = "DB.TABLE",
            description = "Maintain only these tables, repeatable (default: every table).")
    List<String> tables = new ArrayList<>();

    @Option(
            names = "--pipeline",
            paramLabel = "FILE",
            description =
                    "Pipeline file (a path or classpath:sql/pipelines/...), repeatable: the JDBC"
                            + " tables they write, with their connection options, are where"
                            + " retention: entries for JDBC datasets apply. Variables come from"
                            + " the environment, as for the pipeline job.")
    List<String> pipelines = new ArrayList<>();

    @Option(
            names = "--sql-catalog",
            paramLabel = "DIR",
            description = "Catalog folder of the pipelines (default: classpath:sql/catalog).")
    String sqlCatalog = "classpath:sql/catalog";

    @Option(
            names = "--secret-env",
            paramLabel = "NAME",
            description = "Environment variable that holds a secret (redacted wherever shown).")
    List<String> secretEnv = new ArrayList<>();

    @Option(
            names = "--eager",
            description = "Act every few commits and seconds (demos and tests), not the defaults.")
    boolean eager;

    @Option(
            names = "--audit-log",
            paramLabel = "FILE",
            description = "Audit log (default: $SLUICE_AUDIT_LOG or .sluice/audit/...).")
    Path auditLog;

    public static void main(String[] args) {
        int code = new CommandLine(new MaintainJob()).execute(args);
        if (code != 0) {
            throw new IllegalStateException(
                    "The maintenance job did not start (exit " + code + ")");
        }
    }

    @Override
    public Integer call() throws Exception {
        if (catalog.isEmpty()) {
            String type = System.getenv("ICEBERG_CATALOG_TYPE");
            String location = System.getenv("ICEBERG_WAREHOUSE");
            if (type == null || location == null) {
                throw new IllegalArgumentException(
                        "Missing the Iceberg catalog: pass --catalog type=... --catalog"
                                + " warehouse=..., or set ICEBERG_CATALOG_TYPE and"
                                + " ICEBERG_WAREHOUSE.");
            }
            catalog.put("type", type);
            catalog.put("warehouse", location);
            String uri = System.getenv("ICEBERG_CATALOG_URI");
            if (uri != null) {
                catalog.put("uri", uri);
            }
        }
        WarehouseCatalog warehouse = new WarehouseCatalog(catalogName, catalog);
        RetentionPlanner.All plans =
                RetentionPlanner.loadAll(
                        policy.isEmpty()
                                ? List.of(
                                        PolicySources.CLASSPATH_PREFIX
                                                + PolicySources.DEFAULT_FOLDER)
                                : policy,
                        warehouse,
                        () ->
                                loadPipelines(
                                        pipelines,
                                        sqlCatalog,
                                        Variables.builder()
                                                .environment(System.getenv(), Set.copyOf(secretEnv))
                                                .build()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MaintenanceLock lock = lock(lockUrl, lockUser, lockPasswordEnv);
        MaintenanceSchedule schedule =
                eager ? MaintenanceSchedule.eager() : MaintenanceSchedule.defaults();
        Path audit = auditLog != null ? auditLog : AuditLog.fromEnvironment().file();
        MaintenanceJob.build(
                env, warehouse, select(plans.iceberg(), tables), lock, schedule, audit);
        if (tables.isEmpty()) {
            MaintenanceJob.buildJdbcRetention(env, plans.jdbc(), lock, schedule, audit);
        }
        env.execute("sluice maintain " + warehouse.name());
        return 0;
    }

    /** Loads pipeline files with their catalog folder; every problem of every file is thrown. */
    public static List<Pipeline> loadPipelines(
            List<String> files, String catalogFolder, Variables variables) {
        if (files.isEmpty()) {
            return List.of();
        }
        List<SourceText> catalog = SqlFiles.readCatalog(catalogFolder);
        List<Pipeline> out = new ArrayList<>();
        for (String file : files) {
            out.add(PipelineLoader.load(catalog, SqlFiles.read(file), variables));
        }
        return out;
    }

    /** The plans of {@code tables} ({@code db.table} or {@code catalog.db.table}), or all. */
    public static List<TableMaintenancePlan> select(
            Map<String, TableMaintenancePlan> plans, List<String> tables) {
        if (tables.isEmpty()) {
            return List.copyOf(plans.values());
        }
        List<TableMaintenancePlan> out = new ArrayList<>();
        for (String t : tables) {
            String key =
                    t.chars().filter(c -> c == '.').count() == 2
                            ? t.substring(t.indexOf('.') + 1)
                            : t;
            TableMaintenancePlan plan = plans.get(key);
            if (plan == null) {
                throw new IllegalArgumentException(
                        "Unknown table '"
                                + t
                                + "'. Tables of the catalog: "
                                + plans.keySet()
                                + ". Name one as database.table, e.g. payments.payments.");
            }
            out.add(plan);
        }
        return out;
    }

    /** The lock database; the password comes from an environment variable, never an argument. */
    public static MaintenanceLock lock(String url, String user, String passwordEnv) {
        Map<String, String> props = new LinkedHashMap<>();
        if (user != null) {
            props.put("jdbc.user", user);
        }
        if (passwordEnv != null) {
            String password = System.getenv(passwordEnv);
            if (password == null) {
                throw new IllegalArgumentException(
                        "Environment variable "
                                + passwordEnv
                                + " (--lock-password-env) is not set. Export it with the lock"
                                + " database password.");
            }
            props.put("jdbc.password", password);
        }
        return new MaintenanceLock(url, props);
    }
}
