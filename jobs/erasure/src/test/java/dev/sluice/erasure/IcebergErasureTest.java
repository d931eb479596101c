package dev.sluice.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure on a real Iceberg table (a Hadoop catalog in a folder) as the streaming upsert writer
 * leaves it: one data file and one equality-delete file on id per commit, subjects updated in
 * several commits. After erase + purge no Parquet file of the table holds the subject's id or
 * e-mail hash, every other row is unchanged, and only the files that held the subject were
 * rewritten.
 */
class IcebergErasureTest {
    static final Schema SCHEMA =
            new Schema(
                    List.of(
                            Types.NestedField.required(1, "id", Types.LongType.get()),
                            Types.NestedField.optional(2, "email_hash", Types.StringType.get()),
                            Types.NestedField.optional(3, "country", Types.StringType.get())),
                    Set.of(1));

    @TempDir Path dir;

    @Test
    void erasesOnlyTheSubjectAndRewritesOnlyTheFilesHoldingIt() throws Exception {
        Table table = create();
        Map<Long, String> expected = new TreeMap<>();
        // ten commits of 50 rows each; subject 7 in commits 0 and 5 (an update: the second
        // commit's equality delete holds 7), subject 42's e-mail hash also in a row of id 4242
        for (int commit = 0; commit < 10; commit++) {
            Map<Long, String[]> rows = new LinkedHashMap<>();
            for (long i = commit * 50L + 100; i < commit * 50L + 150; i++) {
                rows.put(i, new String[] {"h" + i, "c" + commit});
            }
            if (commit == 0 || commit == 5) {
                rows.put(7L, new String[] {"h7", "v" + commit});
            }
            if (commit == 3) {
                rows.put(4242L, new String[] {"h42", "x"});
                rows.put(42L, new String[] {"h42", "x"});
            }
            upsert(table, rows);
            rows.forEach((id, v) -> expected.put(id, v[0] + "/" + v[1]));
        }
        expected.remove(7L);
        expected.remove(42L);
        expected.remove(4242L);
        long totalBytes = dataBytes(table);

        Map<String, Set<String>> values = new LinkedHashMap<>();
        values.put("id", Set.of("7", "42"));
        values.put("email_hash", Set.of("h7", "h42"));
        Identifiers ids = Identifiers.forSchema(table.schema(), values);
        assertThat(ErasureVerifier.liveRows(table, ids)).isEqualTo(3);

        IcebergErasure.Result r = new IcebergErasure(table, ids).erase();
        assertThat(r.rowsDeleted()).isEqualTo(3);
        // the data files of commits 0, 3 and 5 and the equality deletes of 3 and 5 (holding 7, 42)
        assertThat(r.dataFilesRewritten()).isEqualTo(3);
        assertThat(r.deleteFilesRewritten()).isGreaterThanOrEqualTo(1);
        assertThat(r.bytesRewritten()).isLessThan(totalBytes);
        assertThat(rows(table)).isEqualTo(expected);

        // before the purge, old snapshots still reference files holding the values
        assertThat(ErasureVerifier.icebergFiles(table, ids)[0]).isPositive();
        IcebergPurge.Result p = IcebergPurge.purge(table, r.rewriteSnapshotId(), Duration.ZERO);
        assertThat(p.expiredSnapshotIds()).isNotEmpty();
        long[] hits = ErasureVerifier.icebergFiles(table, ids);
        assertThat(hits[0]).as("rows holding a value in any Parquet file").isZero();
        assertThat(hits[1]).isPositive();
        assertThat(rows(table)).isEqualTo(expected);

        // idempotent: a second erase finds nothing
        IcebergErasure.Result again = new IcebergErasure(table, ids).erase();
        assertThat(again.rowsDeleted()).isZero();
        assertThat(again.rewriteSnapshotId()).isNull();
        assertThat(rows(table)).isEqualTo(expected);
    }

    /**
     * Found by ForgetEndToEndITCase: a scan filtered by the subject's ids leaves out the
     * equality-delete files whose id range excludes them, so a rewrite that applied only the
     * filtered scan's deletes brought back old versions of other rows of the same file (with the
     * rewrite's sequence number, later than the deletes). The rewrite applies every delete.
     */
    @Test
    void keepsOtherRowsDeletedByEqualityDeletesTheSubjectsFilterSkips() throws Exception {
        Table table = create();
        Map<Long, String> expected = new TreeMap<>();
        Map<Long, String[]> first = new LinkedHashMap<>();
        for (long i = 1; i <= 50; i++) {
            first.put(i, new String[] {"h" + i, "old"});
        }
        upsert(table, first);
        first.forEach((id, v) -> expected.put(id, v[0] + "/" + v[1]));
        // later commits update ids 30 and 40 only: their equality deletes hold 30 and 40
        upsert(table, Map.of(30L, new String[] {"h30", "new"}));
        upsert(table, Map.of(40L, new String[] {"h40", "new"}));
        expected.put(30L, "h30/new");
        expected.put(40L, "h40/new");
        expected.remove(7L);

        Identifiers ids = Identifiers.forSchema(table.schema(), Map.of("id", Set.of("7")));
        IcebergErasure.Result r = new IcebergErasure(table, ids).erase();
        assertThat(r.rowsDeleted()).isEqualTo(1);
        assertThat(r.dataFilesRewritten()).isEqualTo(1);
        assertThat(rows(table)).isEqualTo(expected); // no old row 30 or 40 back
        IcebergPurge.purge(table, r.rewriteSnapshotId(), Duration.ZERO);
        assertThat(rows(table)).isEqualTo(expected);
    }

    private Table create() {
        HadoopCatalog catalog = new HadoopCatalog(new Configuration(), dir.toUri().toString());
        return catalog.createTable(
                TableIdentifier.of("payments", "customers"),
                SCHEMA,
                PartitionSpec.unpartitioned(),
                Map.of("format-version", "2", "write.upsert.enabled", "true"));
    }

    /** One commit as the Flink upsert writer makes it: a data file and an equality delete on id. */
    static void upsert(Table table, Map<Long, String[]> rows) {
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
            for (Map.Entry<Long, String[]> e : rows.entrySet()) {
                deletes.write(key.copy("id", e.getKey()));
                data.write(
                        row.copy(
                                "id",
                                e.getKey(),
                                "email_hash",
                                e.getValue()[0],
                                "country",
                                e.getValue()[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DataFile dataFile = data.toDataFile();
        DeleteFile deleteFile = deletes.toDeleteFile();
        table.newRowDelta().addRows(dataFile).addDeletes(deleteFile).commit();
    }

    static Map<Long, String> rows(Table table) throws IOException {
        table.refresh();
        Map<Long, String> out = new TreeMap<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record r : records) {
                String previous =
                        out.put(
                                (Long) r.getField("id"),
                                r.getField("email_hash") + "/" + r.getField("country"));
                assertThat(previous).as("two rows with id %s", r.getField("id")).isNull();
            }
        }
        return out;
    }

    static long dataBytes(Table table) throws IOException {
        table.refresh();
        long bytes = 0;
        List<String> seen = new ArrayList<>();
        try (var tasks = table.newScan().planFiles()) {
            for (var t : tasks) {
                bytes += t.file().fileSizeInBytes();
                for (DeleteFile d : t.deletes()) {
                    if (!seen.contains(d.location())) {
                        seen.add(d.location());
                        bytes += d.fileSizeInBytes();
                    }
                }
            }
        }
        return bytes;
    }
}
