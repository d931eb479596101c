package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.harness.IcebergWarehouse;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice maintain} and {@code sluice audit --kind maintenance} through the command line, on
 * a real Iceberg warehouse with the lock in a real PostgreSQL.
 */
class MaintainCommandITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @TempDir static Path dir;
    private static IcebergWarehouse warehouse;
    private static Table table;

    @BeforeAll
    static void createTable() throws Exception {
        warehouse = IcebergWarehouse.inFolder(dir);
        ((SupportsNamespaces) warehouse.catalog()).createNamespace(Namespace.of("payments"));
        Schema schema =
                new Schema(
                        List.of(
                                Types.NestedField.required(1, "id", Types.LongType.get()),
                                Types.NestedField.optional(2, "status", Types.StringType.get()),
                                Types.NestedField.optional(
                                        3, "created_at", Types.TimestampType.withZone())),
                        java.util.Set.of(1));
        table =
                warehouse
                        .catalog()
                        .createTable(
                                TableIdentifier.of("payments", "payments"),
                                schema,
                                PartitionSpec.unpartitioned(),
                                Map.of("format-version", "2"));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OutputFileFactory files =
                OutputFileFactory.builderFor(table, 1, 1)
                        .format(FileFormat.PARQUET)
                        .operationId(UUID.randomUUID().toString())
                        .build();
        DataWriter<Record> writer =
                new GenericAppenderFactory(schema)
                        .newDataWriter(files.newOutputFile(), FileFormat.PARQUET, null);
        try (writer) {
            for (long id = 0; id < 30; id++) {
                writer.write(
                        GenericRecord.create(schema)
                                .copy(
                                        "id",
                                        id,
                                        "status",
                                        "paid",
                                        "created_at",
                                        now.minusDays(id < 10 ? 450 : 30)));
            }
        }
        DataFile file = writer.toDataFile();
        table.newAppend().appendFile(file).commit();
    }

    @AfterAll
    static void close() throws IOException {
        warehouse.close();
    }

    private static Path policy(String name, String retention) throws IOException {
        return Files.writeString(dir.resolve(name), "version: 1\nretention:\n" + retention);
    }

    private static String lockUrl() throws Exception {
        PostgresServer pg = POSTGRES.server();
        return pg.jdbcUrl("postgres") + "?user=" + pg.username() + "&password=" + pg.password();
    }

    @Test
    void checkNamesTheEntryOfAWrongTimeColumn() throws Exception {
        Path bad =
                policy(
                        "bad.yaml",
                        "  warehouse.payments.payments: {keep: 400d, time_column: status}\n"
                                + "  warehouse.payments.refunds: {keep: 30d, time_column: ts}\n");

        DeployCommandTest.Run run =
                GateCommandsTest.sluice(
                        "maintain",
                        "--check",
                        "--warehouse",
                        warehouse.settings().warehouse(),
                        "--policy",
                        bad.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err())
                .contains(bad + ":3:3")
                .contains("time_column 'status'")
                .contains("not a date or timestamp")
                .contains(bad + ":4:3")
                .contains("No Iceberg table matches warehouse.payments.refunds");
    }

    @Test
    void onceDeletesExpiredRowsAndAuditShowsIt() throws Exception {
        Path good =
                policy(
                        "good.yaml",
                        "  warehouse.payments.*:\n"
                                + "    keep: 400d\n"
                                + "    time_column: created_at\n"
                                + "    snapshots: {keep_last: 1, max_age: 1s}\n");
        Path audit = dir.resolve("audit.jsonl");
        String url = lockUrl();

        DeployCommandTest.Run run =
                GateCommandsTest.sluice(
                        "maintain",
                        "--once",
                        "warehouse.payments.payments",
                        "--warehouse",
                        warehouse.settings().warehouse(),
                        "--policy",
                        good.toString(),
                        "--lock-jdbc-url",
                        url,
                        "--audit-log",
                        audit.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("warehouse.payments.payments: rows keep 400d by created_at")
                .contains("10 rows deleted")
                .contains("Maintained warehouse.payments.payments");
        assertThat(warehouse.rowCount(TableIdentifier.of("payments", "payments"))).isEqualTo(20);

        DeployCommandTest.Run listed =
                GateCommandsTest.sluice(
                        "audit", "--kind", "maintenance", "--log", audit.toString());
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out())
                .contains("retention")
                .contains("rewrite-data-files")
                .contains("expire-snapshots");
        DeployCommandTest.Run gate = GateCommandsTest.sluice("audit", "--log", audit.toString());
        assertThat(gate.out()).contains("0 decisions.");
    }

    @Test
    void jdbcTableOfAPipelineIsCheckedAndItsExpiredRowsDeletedOnce() throws Exception {
        PostgresServer pg = POSTGRES.server();
        pg.createDatabase("crm");
        try (java.sql.Connection c = pg.dataSource("crm").getConnection();
                java.sql.Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT, updated_at"
                            + " TIMESTAMP)");
            s.execute(
                    "INSERT INTO customers SELECT g, 'n' || g, (now() AT TIME ZONE 'UTC') -"
                            + " (CASE WHEN g < 7 THEN interval '500 days' ELSE interval '1 day'"
                            + " END) FROM generate_series(0, 19) g");
        }
        Path sql = Files.createDirectories(dir.resolve("crm-sql"));
        Path catalog = Files.createDirectories(sql.resolve("catalog"));
        Path pipeline =
                Files.writeString(
                        Files.createDirectories(sql.resolve("pipelines")).resolve("crm.sql"),
                        """
                        -- @owner growth
                        -- @description people into the CRM
                        CREATE TEMPORARY TABLE people (id BIGINT, name STRING, updated_at TIMESTAMP(6))
                          WITH ('connector' = 'datagen');
                        CREATE TABLE crm_customers (
                          id BIGINT, name STRING, updated_at TIMESTAMP(6), PRIMARY KEY (id) NOT ENFORCED
                        ) WITH ('connector' = 'jdbc', 'url' = '${CRM_JDBC_URL}', 'table-name' = 'customers',
                          'username' = '${CRM_USER}', 'password' = '${CRM_PASSWORD}');
                        INSERT INTO crm_customers SELECT * FROM people;
                        """);
        Path policy =
                Files.writeString(
                        dir.resolve("crm.yaml"),
                        """
                        version: 1
                        sinks:
                          - jdbc: {database: crm, table: public.customers}
                            dataset: crm.customers
                            zone: analytics
                            region: eu-west-1
                        teams:
                          growth: {reads: [], zone: analytics}
                        retention:
                          crm.customers: {keep: 400d, time_column: updated_at}
                        """);
        List<String> common =
                List.of(
                        "--warehouse",
                        warehouse.settings().warehouse(),
                        "--policy",
                        policy.toString(),
                        "--pipelines",
                        sql.resolve("pipelines").toString(),
                        "--sql-catalog",
                        catalog.toString());

        // the pipeline's variables are needed to find its table: their absence is named
        DeployCommandTest.Run missing =
                GateCommandsTest.sluice(concat(List.of("maintain", "--check"), common));
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(missing.err()).contains("crm.sql").contains("CRM_JDBC_URL");

        Path secrets =
                Files.writeString(dir.resolve("crm.secrets"), "CRM_PASSWORD=" + pg.password());
        List<String> vars =
                List.of(
                        "--var",
                        "CRM_JDBC_URL=" + pg.jdbcUrl("crm"),
                        "--var",
                        "CRM_USER=" + pg.username(),
                        "--secret-file",
                        secrets.toString());
        DeployCommandTest.Run check =
                GateCommandsTest.sluice(concat(List.of("maintain", "--check"), common, vars));
        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(check.out())
                .contains("crm.customers: rows keep 400d by updated_at (JDBC table customers")
                .contains(policy + ":10:3");

        Path audit = dir.resolve("crm-audit.jsonl");
        DeployCommandTest.Run once =
                GateCommandsTest.sluice(
                        concat(
                                List.of("maintain", "--once", "crm.customers"),
                                common,
                                vars,
                                List.of(
                                        "--lock-jdbc-url",
                                        lockUrl(),
                                        "--audit-log",
                                        audit.toString())));
        assertThat(once.exitCode()).as(once.err()).isZero();
        assertThat(once.out()).contains("7 rows deleted").contains("Maintained crm.customers");
        try (java.sql.Connection c = pg.dataSource("crm").getConnection();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT count(*), min(id) FROM customers")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(13);
            assertThat(rs.getLong(2)).isEqualTo(7);
        }
    }

    @SafeVarargs
    private static String[] concat(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toArray(String[]::new);
    }
}
