package dev.sluice.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;

/**
 * An upsert table as the streaming writer leaves it (format v2, primary key id): each {@link
 * #upsert} is one commit of a data file plus an equality delete on id, as Iceberg's Flink sink
 * commits a checkpoint.
 */
final class TestTables {
    static final Schema SCHEMA =
            new Schema(
                    List.of(
                            Types.NestedField.required(1, "id", Types.LongType.get()),
                            Types.NestedField.optional(2, "status", Types.StringType.get()),
                            Types.NestedField.optional(
                                    3, "created_at", Types.TimestampType.withZone())),
                    java.util.Set.of(1));

    private TestTables() {}

    static Table create(Catalog catalog, TableIdentifier id) {
        if (catalog instanceof SupportsNamespaces ns && !ns.namespaceExists(id.namespace())) {
            ns.createNamespace(id.namespace());
        }
        return catalog.createTable(
                id,
                SCHEMA,
                PartitionSpec.unpartitioned(),
                Map.of("format-version", "2", "write.upsert.enabled", "true"));
    }

    static Namespace namespace(String name) {
        return Namespace.of(name);
    }

    /** One commit: the rows (id → created_at, status) replace any earlier rows with their ids. */
    static void upsert(Table table, Map<Long, OffsetDateTime> rows, String status) {
        OutputFileFactory files =
                OutputFileFactory.builderFor(table, 1, System.nanoTime())
                        .format(FileFormat.PARQUET)
                        .operationId(UUID.randomUUID().toString())
                        .build();
        Schema idOnly = table.schema().select("id");
        GenericAppenderFactory appenders =
                new GenericAppenderFactory(
                        table.schema(), table.spec(), new int[] {1}, idOnly, null);
        DataWriter<Record> data =
                appenders.newDataWriter(files.newOutputFile(), FileFormat.PARQUET, null);
        EqualityDeleteWriter<Record> deletes =
                appenders.newEqDeleteWriter(files.newOutputFile(), FileFormat.PARQUET, null);
        try (data;
                deletes) {
            GenericRecord row = GenericRecord.create(table.schema());
            GenericRecord key = GenericRecord.create(idOnly);
            for (Map.Entry<Long, OffsetDateTime> e : rows.entrySet()) {
                deletes.write(key.copy("id", e.getKey()));
                data.write(
                        row.copy("id", e.getKey(), "status", status, "created_at", e.getValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DataFile dataFile = data.toDataFile();
        DeleteFile deleteFile = deletes.toDeleteFile();
        table.newRowDelta().addRows(dataFile).addDeletes(deleteFile).commit();
    }

    /** The table's rows as id → "status@created_at", deletes applied. */
    static Map<Long, String> rows(Table table) {
        table.refresh();
        Map<Long, String> out = new TreeMap<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record r : records) {
                String previous =
                        out.put(
                                (Long) r.getField("id"),
                                r.getField("status") + "@" + r.getField("created_at"));
                if (previous != null) {
                    throw new AssertionError("Two rows with id " + r.getField("id"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<Long> snapshotIds(Table table) {
        table.refresh();
        List<Long> ids = new ArrayList<>();
        table.snapshots().forEach(s -> ids.add(s.snapshotId()));
        return ids;
    }

    /** Live data files and delete files of the current snapshot. */
    static long[] fileCounts(Table table) {
        table.refresh();
        long dataFiles = 0;
        long deleteFiles = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (var tasks = table.newScan().planFiles()) {
            for (var task : tasks) {
                dataFiles++;
                for (DeleteFile d : task.deletes()) {
                    if (seen.add(d.location())) {
                        deleteFiles++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new long[] {dataFiles, deleteFiles};
    }
}
