package dev.sluice.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IcebergWarehouseITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final Types.StructType ADDRESS =
            Types.StructType.of(
                    Types.NestedField.optional(4, "city", Types.StringType.get()),
                    Types.NestedField.optional(5, "zip", Types.StringType.get()));
    private static final Schema SCHEMA =
            new Schema(
                    Types.NestedField.required(1, "id", Types.LongType.get()),
                    Types.NestedField.optional(2, "name", Types.StringType.get()),
                    Types.NestedField.optional(3, "address", ADDRESS));
    private static final TableIdentifier ITEMS = TableIdentifier.of("shop", "items");

    @Test
    void hadoopWarehouseCreatesAppendsAndReadsTablesAndRemovesItsFolderOnClose() throws Exception {
        Path workDir = Files.createTempDirectory("sluice-iceberg-");
        try {
            IcebergWarehouse warehouse = IcebergWarehouse.inFolder(workDir);
            assertThat(warehouse.tableExists(ITEMS)).isFalse();
            assertThat(warehouse.rows(ITEMS)).isEmpty();
            assertThat(warehouse.rowCount(ITEMS)).isZero();

            Table table = createItems(warehouse);
            append(table, item(1, "first", "Lyon"), item(2, "second", null));
            append(table, item(3, "third", "Porto"));

            assertThat(warehouse.tableExists(ITEMS)).isTrue();
            assertThat(warehouse.rowCount(ITEMS)).isEqualTo(3);
            assertThat(warehouse.rows(ITEMS))
                    .containsExactlyInAnyOrder(
                            row(1, "first", "Lyon"),
                            row(2, "second", null),
                            row(3, "third", "Porto"));
            assertThat(warehouse.rows(ITEMS).get(0).keySet())
                    .containsExactly("id", "name", "address");
            assertThat(warehouse.flinkCatalogOptions())
                    .containsEntry("type", "iceberg")
                    .containsEntry("catalog-type", "hadoop")
                    .containsEntry("warehouse", workDir.resolve("warehouse").toUri().toString());
            assertThat(warehouse.describe()).startsWith("Iceberg hadoop catalog, warehouse file:");

            warehouse.close();
            warehouse.close();

            assertThat(workDir.resolve("warehouse")).doesNotExist();
        } finally {
            Folders.delete(workDir);
        }
    }

    @Test
    void jdbcCatalogInPostgresKeepsTablesAcrossWarehouseInstances() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("iceberg_catalog");
        Path data = Files.createTempDirectory("sluice-iceberg-jdbc-");
        Map<String, String> properties =
                Map.of(
                        "type", "jdbc",
                        "uri", postgres.jdbcUrl("iceberg_catalog"),
                        "user", postgres.username(),
                        "password", postgres.password(),
                        "warehouse", data.toUri().toString());
        try {
            try (IcebergWarehouse writer = IcebergWarehouse.external(properties)) {
                append(createItems(writer), item(7, "seven", "Oslo"));
                assertThat(writer.flinkCatalogOptions())
                        .containsEntry("type", "iceberg")
                        .containsEntry("catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog")
                        .containsEntry("jdbc.user", "postgres")
                        .doesNotContainKey("catalog-type");
                assertThat(writer.describe())
                        .isEqualTo(
                                "Iceberg jdbc catalog at "
                                        + postgres.jdbcUrl("iceberg_catalog")
                                        + ", warehouse "
                                        + data.toUri());
            }
            try (IcebergWarehouse reader = IcebergWarehouse.external(properties)) {
                assertThat(reader.rows(ITEMS)).containsExactly(row(7, "seven", "Oslo"));
            }
            // external warehouses leave their data alone
            assertThat(data).isNotEmptyDirectory();
        } finally {
            Folders.delete(data);
        }
    }

    private static Table createItems(IcebergWarehouse warehouse) {
        ((SupportsNamespaces) warehouse.catalog()).createNamespace(Namespace.of("shop"));
        return warehouse.catalog().createTable(ITEMS, SCHEMA, PartitionSpec.unpartitioned());
    }

    private static Record item(long id, String name, String city) {
        GenericRecord record = GenericRecord.create(SCHEMA);
        record.setField("id", id);
        record.setField("name", name);
        if (city != null) {
            GenericRecord address = GenericRecord.create(ADDRESS);
            address.setField("city", city);
            address.setField("zip", "Z" + id);
            record.setField("address", address);
        }
        return record;
    }

    private static Map<String, Object> row(long id, String name, String city) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("id", id);
        row.put("name", name);
        row.put("address", city == null ? null : Map.of("city", city, "zip", "Z" + id));
        return row;
    }

    private static void append(Table table, Record... records) throws IOException {
        OutputFile file =
                table.io()
                        .newOutputFile(
                                table.locationProvider()
                                        .newDataLocation(java.util.UUID.randomUUID() + ".parquet"));
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
