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
}
