package dev.sluice.demo;

import dev.sluice.cluster.IsolatedMySqlIngest;
import dev.sluice.cluster.LocalFlinkCluster;
import dev.sluice.harness.EmbeddedStack;
import dev.sluice.harness.IcebergWarehouse;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.ingest.IngestJob;
import dev.sluice.ingest.IngestOptions;
import dev.sluice.ingest.IngestPreflight;
import dev.sluice.lifecycle.MaintenanceJob;
import dev.sluice.lifecycle.MaintenanceLock;
import dev.sluice.lifecycle.MaintenanceSchedule;
import dev.sluice.lifecycle.RetentionPlanner;
import dev.sluice.lifecycle.TableMaintenancePlan;
import dev.sluice.lifecycle.WarehouseCatalog;
import dev.sluice.pipeline.PipelineRunner;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The payments scenario on a running embedded stack: the sample source database, the ingest job
 * into staging, and the warehouse pipeline. Shared by {@code sluice demo} and the end-to-end test.
 */
public final class PaymentsScenario {

    public static final String PIPELINE =
            "classpath:sql/pipelines/payments/payments_to_warehouse.sql";

    /** The second consumer of the same staging: customers into a CRM database by JDBC. */
    public static final String CRM_PIPELINE = "classpath:sql/pipelines/growth/customers_to_crm.sql";

    /** The CRM database on the embedded PostgreSQL that {@link #CRM_PIPELINE} writes to. */
    public static final String CRM_DATABASE = "crm";

    public static final String CATALOG = "classpath:sql/catalog";
    public static final String SLOT = "sluice_payments";

    /** The database of the maintenance locks on the embedded PostgreSQL. */
    public static final String MAINTENANCE_DATABASE = "sluice_maintenance";

    /** How old a snapshot must be before the demo's maintenance expires it. */
    public static final Duration DEMO_SNAPSHOT_AGE = Duration.ofSeconds(20);

    public static final List<String> SOURCE_TABLES = List.of("customers", "cards", "payments");

    /** Iceberg catalog options → the variables of {@code sql/catalog/20_warehouse.sql}. */
    private static final Map<String, String> CATALOG_FILE_VARIABLES =
            Map.of(
                    "uri", "ICEBERG_CATALOG_URI",
                    "token", "ICEBERG_CATALOG_TOKEN",
                    "io-impl", "ICEBERG_IO_IMPL",
                    "s3.endpoint", "S3_ENDPOINT",
                    "s3.path-style-access", "S3_PATH_STYLE_ACCESS",
                    "client.region", "S3_REGION",
                    "s3.access-key-id", "S3_ACCESS_KEY_ID",
                    "s3.secret-access-key", "S3_SECRET_ACCESS_KEY");

    private static final java.util.Set<String> SECRET_OPTIONS =
            java.util.Set.of("token", "s3.access-key-id", "s3.secret-access-key");

    /** The source database of the scenario. */
    public enum Source {
        /** The embedded PostgreSQL, ingested by the PostgreSQL ingest job. */
        POSTGRES,
        /**
         * The embedded MariaDB (a stack started with it), ingested by the MySQL ingest job from its
         * own job jar (see {@link IsolatedMySqlIngest}).
         */
        MYSQL
    }

    private final EmbeddedStack stack;
    private final PaymentsTraffic traffic;
    private IngestConfig ingestConfig;
    private final Configuration ingestOptions;
    private String stagingKeyStoreUrl;
    private String stagingKeyStoreUser;
    private final Source source;
    private final Duration ingestCheckpointInterval;
    // open for the life of the process: the MySQL ingest job's classes come from it
    private IsolatedMySqlIngest mysqlIngest;

    public PaymentsScenario(EmbeddedStack stack, long seed, Duration ingestCheckpointInterval) {
        this(stack, seed, ingestCheckpointInterval, Source.POSTGRES);
    }

    /** The scenario on the given source; {@link Source#MYSQL} needs a stack with MariaDB. */
    public PaymentsScenario(
            EmbeddedStack stack, long seed, Duration ingestCheckpointInterval, Source source) {
        this(stack, seed, ingestCheckpointInterval, source, Map.of());
    }

    /**
     * The scenario with more ingest options (key to value, as on the ingest job's command line),
     * e.g. the staging producer's batching for a benchmark.
     */
    public PaymentsScenario(
            EmbeddedStack stack,
            long seed,
            Duration ingestCheckpointInterval,
            Source source,
            Map<String, String> ingestOptions) {
        this.stack = stack;
        this.traffic = new PaymentsTraffic(seed);
        this.source = source;
        this.ingestCheckpointInterval = ingestCheckpointInterval;
        Configuration options = new Configuration();
        options.set(IngestOptions.POSTGRES_HOSTNAME, stack.postgres().host());
        options.set(IngestOptions.POSTGRES_PORT, stack.postgres().port());
        options.set(IngestOptions.POSTGRES_DATABASE, PaymentsDatabase.NAME);
        options.set(IngestOptions.POSTGRES_USERNAME, stack.postgres().username());
        options.set(IngestOptions.TABLES, PaymentsDatabase.TABLES);
        options.set(IngestOptions.SLOT_NAME, SLOT);
        options.set(IngestOptions.KAFKA_BOOTSTRAP_SERVERS, stack.kafka().bootstrapServers());
        options.set(IngestOptions.CHECKPOINT_INTERVAL, ingestCheckpointInterval);
        options.addAll(Configuration.fromMap(ingestOptions));
        this.ingestOptions = options;
        this.ingestConfig =
                IngestConfig.from(
                        options,
                        Map.of(
                                IngestOptions.POSTGRES_PASSWORD_ENV.defaultValue(),
                                stack.postgres().password()));
    }

    /**
     * The classified columns of customers and cards as {@code sluice ingest} derives them from the
     * shipped policy (docs/erasure.md#crypto-shredding-of-staging).
     */
    public static final String ENCRYPTED_COLUMNS =
            "public.customers:customer:id:email,name,phone;"
                    + "public.cards:customer:customer_id:card_number";

    /**
     * Crypto-shredding of staging with data keys in this key store (PostgreSQL JDBC URL): the
     * ingest encrypts {@link #ENCRYPTED_COLUMNS}, the pipelines read staging through {@code
     * sluice-debezium-json}, which decrypts. The master key comes from {@code
     * SLUICE_STAGING_MASTER_KEY}. Call before {@link #startIngest}.
     */
    public PaymentsScenario encryptStaging(String keyStoreUrl, String username) {
        Configuration options = new Configuration(ingestOptions);
        options.setString(IngestOptions.ENCRYPTION_COLUMNS.key(), ENCRYPTED_COLUMNS);
        options.set(IngestOptions.ENCRYPTION_KEY_STORE_URL, keyStoreUrl);
        options.set(IngestOptions.ENCRYPTION_KEY_STORE_USERNAME, username);
        Map<String, String> environment = new LinkedHashMap<>(System.getenv());
        environment.put(
                IngestOptions.POSTGRES_PASSWORD_ENV.defaultValue(), stack.postgres().password());
        this.ingestConfig = IngestConfig.from(options, environment);
        this.stagingKeyStoreUrl = keyStoreUrl;
        this.stagingKeyStoreUser = username;
        return this;
    }

    /**
     * The catalog files; their staging tables decrypt when {@link #encryptStaging} was called
     * (through the variables {@code STAGING_KEY_STORE_URL} and {@code STAGING_KEY_STORE_USER}).
     */
    private List<dev.sluice.sql.SourceText> catalogSources() {
        return SqlFiles.readCatalog(CATALOG);
    }

    public EmbeddedStack stack() {
        return stack;
    }

    public PaymentsTraffic traffic() {
        return traffic;
    }

    public IngestConfig ingestConfig() {
        return ingestConfig;
    }

    public Source source() {
        return source;
    }

    /** {@code PostgreSQL} or {@code MariaDB}. */
    public String sourceName() {
        return source == Source.MYSQL ? "MariaDB" : "PostgreSQL";
    }

    /** A connection to the source database. */
    public Connection connect() throws SQLException {
        return source == Source.MYSQL
                ? stack.mariaDb().connect(PaymentsDatabase.NAME)
                : stack.postgres().connect(PaymentsDatabase.NAME);
    }

    /** Creates the source database with its schema and seed rows. */
    public void createSourceDatabase(int customers) throws SQLException {
        if (source == Source.MYSQL) {
            stack.mariaDb().createDatabase(PaymentsDatabase.NAME);
            try (Connection connection = connect()) {
                PaymentsDatabase.createMySqlSchema(connection);
                traffic.seed(connection, customers);
            }
            return;
        }
        stack.postgres().createDatabase(PaymentsDatabase.NAME);
        try (Connection connection = connect()) {
            PaymentsDatabase.createSchema(connection);
            traffic.seed(connection, customers);
        }
    }

    /**
     * Checks the environment, creates staging topics and starts the ingest job of the source in
     * {@code flink} (for MySQL a cluster started with {@link
     * IsolatedMySqlIngest#clusterConfiguration()}).
     */
    public JobClient startIngest(LocalFlinkCluster flink) throws Exception {
        if (source != Source.MYSQL) {
            return startIngest(flink.environment(new Configuration()));
        }
        if (mysqlIngest == null) {
            mysqlIngest = IsolatedMySqlIngest.open(null);
        }
        IsolatedMySqlIngest mysql = mysqlIngest;
        Map<String, String> options = mysqlOptions();
        mysql.prepare(options, Map.of());
        StreamExecutionEnvironment env = flink.environment(new Configuration(), mysql.jar());
        return mysql.withContextLoader(() -> env.executeAsync(mysql.addTo(env, options, Map.of())));
    }

    /** The MySQL ingest's options for the embedded MariaDB (root, no password). */
    private Map<String, String> mysqlOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("mysql.hostname", stack.mariaDb().host());
        options.put("mysql.port", String.valueOf(stack.mariaDb().port()));
        options.put("mysql.username", stack.mariaDb().username());
        options.put("mysql.database", PaymentsDatabase.NAME);
        options.put("tables", String.join(";", SOURCE_TABLES));
        options.put("kafka.bootstrap-servers", stack.kafka().bootstrapServers());
        options.put("checkpoint.interval", ingestCheckpointInterval.toMillis() + " ms");
        return options;
    }

    /** The staging topics of the source tables. */
    public List<String> stagingTopics() {
        return SOURCE_TABLES.stream().map(this::stagingTopic).toList();
    }

    /** Checks the environment, creates staging topics and starts the PostgreSQL ingest job. */
    public JobClient startIngest(StreamExecutionEnvironment env) throws Exception {
        IngestPreflight.prepare(ingestConfig);
        IngestJob.addTo(env, ingestConfig);
        return env.executeAsync(IngestJob.jobName(ingestConfig));
    }

    /**
     * Starts the maintenance job beside the pipelines: the policy's retention for every warehouse
     * table (compaction, snapshot expiry, row retention), its lock in the embedded PostgreSQL, its
     * actions audited to {@link #maintenanceAudit()}. A demo lasts a minute, so snapshots expire
     * after {@link #DEMO_SNAPSHOT_AGE} here instead of the policy's {@code max_age}.
     */
    public JobClient startMaintenance(StreamExecutionEnvironment env) throws Exception {
        WarehouseCatalog catalog =
                new WarehouseCatalog(
                        IcebergWarehouse.CATALOG_NAME,
                        stack.iceberg().settings().icebergProperties());
        List<TableMaintenancePlan> plans = new ArrayList<>();
        for (TableMaintenancePlan p :
                RetentionPlanner.load(List.of("classpath:sql/policy"), catalog).values()) {
            plans.add(
                    new TableMaintenancePlan(
                            p.table(),
                            p.keepRows(),
                            p.timeColumn(),
                            p.keepLastSnapshots() == null ? 5 : p.keepLastSnapshots(),
                            DEMO_SNAPSHOT_AGE,
                            p.declaredAt()));
        }
        stack.postgres().createDatabase(MAINTENANCE_DATABASE);
        MaintenanceLock lock =
                new MaintenanceLock(
                        stack.postgres().jdbcUrl(MAINTENANCE_DATABASE),
                        Map.of(
                                "jdbc.user",
                                stack.postgres().username(),
                                "jdbc.password",
                                stack.postgres().password()));
        MaintenanceJob.build(
                env, catalog, plans, lock, MaintenanceSchedule.eager(), maintenanceAudit());
        return env.executeAsync("sluice maintain " + catalog.name());
    }

    /** Where the demo's maintenance actions are audited (inside the stack's folder). */
    public Path maintenanceAudit() {
        return stack.workDir().resolve("audit").resolve("maintenance.jsonl");
    }

    /** Runs the catalog and the warehouse pipeline; its INSERTs run as one job. */
    public JobClient startPipeline(StreamExecutionEnvironment env) {
        return start(env, PIPELINE);
    }

    /**
     * Creates the CRM database with its table and starts {@link #CRM_PIPELINE}: one more job that
     * reads the same staging topic, next to the warehouse pipeline.
     */
    public JobClient startCrmPipeline(StreamExecutionEnvironment env) throws SQLException {
        stack.postgres().createDatabase(CRM_DATABASE);
        try (Connection connection = stack.postgres().connect(CRM_DATABASE);
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT, email_hash TEXT,"
                            + " phone TEXT, country TEXT, updated_at TIMESTAMP)");
        }
        return start(env, CRM_PIPELINE);
    }

    private JobClient start(StreamExecutionEnvironment env, String pipelineFile) {
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        Pipeline pipeline =
                PipelineLoader.load(catalogSources(), SqlFiles.read(pipelineFile), variables());
        return PipelineRunner.execute(tableEnv, pipeline).getJobClient().orElseThrow();
    }

    /** The variables of the catalog files, pointing at the embedded stack. */
    public Variables variables() {
        Map<String, String> iceberg = stack.iceberg().flinkCatalogOptions();
        Variables.Builder variables = Variables.builder();
        // a REST warehouse on the object store: the catalog's address and token, S3FileIO's
        // endpoint and keys (the folder warehouse leaves them to the catalog file's defaults)
        CATALOG_FILE_VARIABLES.forEach(
                (option, variable) -> {
                    String value = iceberg.get(option);
                    if (value != null) {
                        variables.put(
                                variable, value, SECRET_OPTIONS.contains(option), "embedded stack");
                    }
                });
        return variables
                .put(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        stack.kafka().bootstrapServers(),
                        false,
                        "embedded stack")
                .put("ICEBERG_CATALOG_TYPE", iceberg.get("catalog-type"), false, "embedded stack")
                .put("ICEBERG_WAREHOUSE", iceberg.get("warehouse"), false, "embedded stack")
                .put(
                        "CRM_JDBC_URL",
                        stack.postgres().jdbcUrl(CRM_DATABASE),
                        false,
                        "embedded stack")
                .put("CRM_USER", stack.postgres().username(), false, "embedded stack")
                .put("CRM_PASSWORD", stack.postgres().password(), true, "embedded stack")
                .put(
                        "STAGING_KEY_STORE_URL",
                        stagingKeyStoreUrl == null ? "" : stagingKeyStoreUrl,
                        false,
                        "embedded stack")
                .put(
                        "STAGING_KEY_STORE_USER",
                        stagingKeyStoreUser == null
                                ? stack.postgres().username()
                                : stagingKeyStoreUser,
                        false,
                        "embedded stack")
                .build();
    }

    public long postgresRows(String table) throws SQLException {
        return count(PaymentsDatabase.NAME, table);
    }

    /** Rows of a table in the source database (PostgreSQL or MariaDB). */
    public long sourceRows(String table) throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Rows in the CRM database's customers table. */
    public long crmRows() throws SQLException {
        return count(CRM_DATABASE, "customers");
    }

    private long count(String database, String table) throws SQLException {
        try (Connection connection = stack.postgres().connect(database);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** A few rows of the CRM database's customers table, as column → value. */
    public List<Map<String, Object>> crmSample(int rows) throws SQLException {
        List<Map<String, Object>> sample = new ArrayList<>();
        try (Connection connection = stack.postgres().connect(CRM_DATABASE);
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT id, name, email_hash, phone, country FROM customers"
                                        + " ORDER BY id DESC LIMIT "
                                        + rows)) {
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (String column : List.of("id", "name", "email_hash", "phone", "country")) {
                    Object value = result.getObject(column);
                    // 64 hex characters: the start is enough to see it is a hash
                    row.put(
                            column,
                            column.equals("email_hash") && value != null
                                    ? value.toString().substring(0, 16) + "…"
                                    : value);
                }
                sample.add(row);
            }
        }
        return sample;
    }

    public static TableIdentifier warehouseTable(String table) {
        return TableIdentifier.of("payments", table);
    }

    /**
     * The staging topic of a source table: the same name for both sources ({@code
     * staging.payments.public.<table>}; the MySQL ingest's staging.schema is {@code public}).
     */
    public String stagingTopic(String table) {
        return ingestConfig.topicFor("public", table);
    }
}
