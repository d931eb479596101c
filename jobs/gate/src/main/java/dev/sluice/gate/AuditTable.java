package dev.sluice.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.warehouselock.FolderCommitLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.types.Types;

/**
 * The audit Iceberg table {@code audit.gate_decisions} in a Hadoop catalog: one row per gate
 * decision, findings kept as their JSON text. Each append is one Iceberg commit, so a decision is
 * either fully recorded or not at all.
 */
public final class AuditTable {
    public static final TableIdentifier TABLE =
            TableIdentifier.of(Namespace.of("audit"), "gate_decisions");

    static final Schema SCHEMA =
            new Schema(
                    Types.NestedField.required(1, "decided_at", Types.TimestampType.withZone()),
                    Types.NestedField.required(2, "pipeline", Types.StringType.get()),
                    Types.NestedField.optional(3, "file", Types.StringType.get()),
                    Types.NestedField.required(4, "content_hash", Types.StringType.get()),
                    Types.NestedField.optional(5, "owner", Types.StringType.get()),
                    Types.NestedField.required(6, "decision", Types.StringType.get()),
                    Types.NestedField.optional(7, "context", Types.StringType.get()),
                    Types.NestedField.optional(
                            8, "rule_ids", Types.ListType.ofRequired(9, Types.StringType.get())),
                    Types.NestedField.optional(10, "findings_json", Types.StringType.get()));

    private final String warehouse;

    public AuditTable(String warehouse) {
        this.warehouse = warehouse;
    }

    /**
     * Every process auditing appends here: their commits are exclusive ({@link FolderCommitLock}).
     */
    private HadoopCatalog catalog() {
        HadoopCatalog catalog = new HadoopCatalog();
        catalog.setConf(new Configuration());
        catalog.initialize(
                "hadoop",
                FolderCommitLock.withLock(
                        java.util.Map.of(
                                org.apache.iceberg.CatalogProperties.WAREHOUSE_LOCATION,
                                warehouse)));
        return catalog;
    }

    /** Appends one audit record (as written to the JSON-lines log). */
    public void append(JsonNode record) {
        try (HadoopCatalog catalog = catalog()) {
            Table table =
                    catalog.tableExists(TABLE)
                            ? catalog.loadTable(TABLE)
                            : catalog.createTable(TABLE, SCHEMA, PartitionSpec.unpartitioned());
            GenericRecord row = GenericRecord.create(table.schema());
            row.setField(
                    "decided_at", OffsetDateTime.ofInstant(AuditLog.time(record), ZoneOffset.UTC));
            row.setField("pipeline", record.path("pipeline").asText());
            row.setField("file", record.path("file").asText(null));
            row.setField("content_hash", record.path("contentHash").asText());
            row.setField("owner", record.path("owner").asText(null));
            row.setField("decision", record.path("decision").asText());
            row.setField("context", record.path("context").asText(null));
            List<String> rules = new ArrayList<>();
            record.path("ruleIds").forEach(n -> rules.add(n.asText()));
            row.setField("rule_ids", rules);
            row.setField("findings_json", record.path("findings").toString());
            String path =
                    table.locationProvider()
                            .newDataLocation("decision-" + UUID.randomUUID() + ".parquet");
            DataWriter<Record> writer =
                    new GenericAppenderFactory(table.schema())
                            .newDataWriter(
                                    EncryptedFiles.plainAsEncryptedOutput(
                                            table.io().newOutputFile(path)),
                                    FileFormat.PARQUET,
                                    null);
            try (writer) {
                writer.write(row);
            }
            DataFile file = writer.toDataFile();
            table.newAppend().appendFile(file).commit();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot append to the audit table in " + warehouse + ": " + e.getMessage(), e);
        }
    }

    /** Every row of the table, for tests and {@code sluice audit --table}. */
    public List<Record> rows() {
        try (HadoopCatalog catalog = catalog()) {
            if (!catalog.tableExists(TABLE)) {
                return List.of();
            }
            List<Record> out = new ArrayList<>();
            try (var rows =
                    org.apache.iceberg.data.IcebergGenerics.read(catalog.loadTable(TABLE))
                            .build()) {
                rows.forEach(r -> out.add(r.copy()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
