package dev.sluice.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The REST catalog on the object store, each in its child JVM, through Iceberg's own clients. */
class RestWarehouseITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Schema SCHEMA =
            new Schema(
                    Types.NestedField.required(1, "id", Types.LongType.get()),
                    Types.NestedField.optional(2, "name", Types.StringType.get()));

    private static Path workDir;
    private static ObjectStore store;
    private static RestCatalog restCatalog;

    @BeforeAll
    static void startServers() throws Exception {
        workDir = Files.createTempDirectory("sluice-rest-warehouse-");
        store = ObjectStore.start(workDir, "warehouse");
        restCatalog = RestCatalog.start(workDir, POSTGRES.server(), store, "warehouse");
    }

    @AfterAll
    static void stopServers() throws Exception {
        try {
            if (restCatalog != null) {
                restCatalog.close();
            }
        } finally {
            try {
                if (store != null) {
                    store.close();
                }
            } finally {
                Folders.delete(workDir);
            }
        }
    }

    @Test
    void tablesGoThroughTheRestCatalogOntoTheObjectStore() throws Exception {
        TableIdentifier items = TableIdentifier.of("shop", "items");
        try (IcebergWarehouse writer = client()) {
            Table table = create(writer, items);
            append(table, item(1, "first"), item(2, "second"));
            append(writer.loadTable(items), item(3, "third"));
            assertThat(writer.settings().type()).isEqualTo("rest");
            assertThat(writer.flinkCatalogOptions())
                    .containsEntry("catalog-type", "rest")
                    .containsEntry("uri", restCatalog.uri())
                    .containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
                    .containsEntry("s3.path-style-access", "true");
            assertThat(table.location()).startsWith("s3://warehouse/");
        }
        // a second client sees the same table: the catalog's state is in PostgreSQL, the data in
        // the bucket
        try (IcebergWarehouse reader = client()) {
            assertThat(reader.rows(items))
                    .containsExactlyInAnyOrder(row(1, "first"), row(2, "second"), row(3, "third"));
        }
        try (Stream<Path> objects = Files.walk(store.bucketFolder("warehouse"))) {
            assertThat(objects.map(Path::toString))
                    .anyMatch(name -> name.endsWith(".parquet"))
                    .anyMatch(name -> name.endsWith(".metadata.json"));
        }
    }

    @Test
    void twoWritersOnOneTableBothCommitTheLaterAfterARetryOnTheNewerSnapshot() throws Exception {
        TableIdentifier counters = TableIdentifier.of("shop", "counters");
        try (IcebergWarehouse first = client();
                IcebergWarehouse second = client()) {
            create(first, counters);
            Table seenByFirst = first.loadTable(counters);
            Table seenBySecond = second.loadTable(counters);
            append(seenByFirst, item(1, "from the first writer"));
            long firstSnapshot = first.loadTable(counters).currentSnapshot().snapshotId();
            // the second writer still holds the table without that commit: the catalog refuses its
            // first attempt (the table changed underneath), Iceberg reloads and commits again
            assertThat(seenBySecond.currentSnapshot()).isNull();
            append(seenBySecond, item(2, "from the second writer"));

            Table after = first.loadTable(counters);
            assertThat(after.currentSnapshot().parentId()).isEqualTo(firstSnapshot);
            assertThat(first.rows(counters))
                    .containsExactlyInAnyOrder(
                            row(1, "from the first writer"), row(2, "from the second writer"));
        }
    }

    @Test
    void theCatalogComesBackWithItsTablesAfterAnOutage() throws Exception {
        TableIdentifier outage = TableIdentifier.of("shop", "outage");
        try (IcebergWarehouse client = client()) {
            append(create(client, outage), item(1, "before"));
            restCatalog.stop();
            assertThat(restCatalog.isRunning()).isFalse();
            assertThatThrownBy(() -> client.loadTable(outage))
                    .hasRootCauseInstanceOf(java.net.ConnectException.class);
            restCatalog.restart();
            append(client.loadTable(outage), item(2, "after"));
            assertThat(client.rows(outage))
                    .containsExactlyInAnyOrder(row(1, "before"), row(2, "after"));
        }
    }

    private static IcebergWarehouse client() {
        return IcebergWarehouse.external(IcebergWarehouse.restSettings(store, restCatalog));
    }

    private static Table create(IcebergWarehouse warehouse, TableIdentifier table) {
        SupportsNamespaces namespaces = (SupportsNamespaces) warehouse.catalog();
        if (!namespaces.namespaceExists(table.namespace())) {
            namespaces.createNamespace(table.namespace());
        }
        return warehouse.catalog().createTable(table, SCHEMA, PartitionSpec.unpartitioned());
    }

    private static Record item(long id, String name) {
        GenericRecord record = GenericRecord.create(SCHEMA);
        record.setField("id", id);
        record.setField("name", name);
        return record;
    }

    private static Map<String, Object> row(long id, String name) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("id", id);
        row.put("name", name);
        return row;
    }

    private static void append(Table table, Record... records) throws IOException {
        OutputFile file =
                table.io()
                        .newOutputFile(
                                table.locationProvider()
                                        .newDataLocation(UUID.randomUUID() + ".parquet"));
        DataWriter<Record> writer =
                new GenericAppenderFactory(table.schema())
                        .newDataWriter(
                                EncryptedFiles.plainAsEncryptedOutput(file),
                                FileFormat.PARQUET,
                                null);
        try (writer) {
            for (Record record : List.of(records)) {
                writer.write(record);
            }
        }
        DataFile dataFile = writer.toDataFile();
        table.newAppend().appendFile(dataFile).commit();
    }
}
