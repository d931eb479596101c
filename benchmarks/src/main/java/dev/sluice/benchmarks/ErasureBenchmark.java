package dev.sluice.benchmarks;

import dev.sluice.erasure.ErasureVerifier;
import dev.sluice.erasure.IcebergErasure;
import dev.sluice.erasure.IcebergPurge;
import dev.sluice.erasure.Identifiers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
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

/**
 * Forget of one subject on an Iceberg upsert table of {@code rows} rows written in {@code commits}
 * commits (a data file and an equality delete on id each, as the streaming writer commits), the
 * subject written in the first and updated in the middle one: wall time and bytes rewritten by
 * {@link IcebergErasure} + {@link IcebergPurge}, against a full rewrite of the table (every live
 * row read with deletes applied and written again, what a whole-table compaction or a copy-on-write
 * delete of the table costs). Not a test: run {@code benchmarks/run-erasure-benchmark}.
 */
public final class ErasureBenchmark {
    private static final Schema SCHEMA =
            new Schema(
                    List.of(
                            Types.NestedField.required(1, "id", Types.LongType.get()),
                            Types.NestedField.optional(2, "email_hash", Types.StringType.get()),
                            Types.NestedField.optional(3, "country", Types.StringType.get()),
                            Types.NestedField.optional(4, "amount", Types.LongType.get())),
                    Set.of(1));

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int commits = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Path dir = Files.createTempDirectory("sluice-erasure-bench");
        HadoopCatalog catalog = new HadoopCatalog(new Configuration(), dir.toUri().toString());
        Table table = create(catalog, "forget");
        Table copy = create(catalog, "full");
        long subject = 4242;
        long perCommit = rows / commits;
        long start = System.nanoTime();
        for (int c = 0; c < commits; c++) {
            long from = c * perCommit;
            long to = c == commits - 1 ? rows : from + perCommit;
            // the subject is written in the first commit (its own id) and updated in the middle
            boolean withSubject = c == commits / 2;
            upsert(table, from, to, withSubject ? subject : -1, c);
            upsert(copy, from, to, withSubject ? subject : -1, c);
        }
        System.out.printf(
                "wrote 2 tables of %,d rows in %d commits each in %.1f s%n",
                rows, commits, (System.nanoTime() - start) / 1e9);
        long tableBytes = bytes(table);

        Map<String, Set<String>> values = new LinkedHashMap<>();
        values.put("id", Set.of(String.valueOf(subject)));
        values.put("email_hash", Set.of("hash-" + subject));
        Identifiers ids = Identifiers.forSchema(table.schema(), values);

        long t0 = System.nanoTime();
        IcebergErasure.Result r = new IcebergErasure(table, ids).erase();
        long t1 = System.nanoTime();
        IcebergPurge.Result p = IcebergPurge.purge(table, r.rewriteSnapshotId(), Duration.ZERO);
        long t2 = System.nanoTime();
        long hits = ErasureVerifierAccess.hits(table, ids);

        long t3 = System.nanoTime();
        long fullBytes = fullRewrite(copy, subject);
        long t4 = System.nanoTime();

        System.out.println();
        System.out.printf(
                "| %-34s | %12s | %14s | %12s |%n",
                "forget of one subject", "wall time", "bytes rewritten", "of table");
        System.out.printf(
                "|%s|%s|%s|%s|%n", "-".repeat(36), "-".repeat(14), "-".repeat(16), "-".repeat(14));
        System.out.printf(
                "| %-34s | %9.0f ms | %,15d | %11.4fx |%n",
                "Sluice: erase (delete + rewrite)",
                (t1 - t0) / 1e6,
                r.bytesRewritten(),
                r.bytesRewritten() / (double) tableBytes);
        System.out.printf(
                "| %-34s | %9.0f ms | %15s | %12s |%n",
                "Sluice: purge (expire + orphans)", (t2 - t1) / 1e6, "-", "-");
        System.out.printf(
                "| %-34s | %9.0f ms | %,15d | %11.4fx |%n",
                "full table rewrite", (t4 - t3) / 1e6, fullBytes, fullBytes / (double) tableBytes);
        System.out.println();
        System.out.printf(
                "table: %,d rows, %,d bytes (data + delete files); erase rewrote %d data files and %d"
                        + " delete files, deleted %d rows; purge expired %d snapshots; hits after: %d%n",
                rows,
                tableBytes,
                r.dataFilesRewritten(),
                r.deleteFilesRewritten(),
                r.rowsDeleted(),
                p.expiredSnapshotIds().size(),
                hits);
        System.out.printf(
                "bytes rewritten, forget / full rewrite: %.4f (goal <= 0.1); wall time: %.3f%n",
                r.bytesRewritten() / (double) fullBytes, (t2 - t0) / (double) (t4 - t3));
    }

    private static Table create(HadoopCatalog catalog, String name) {
        return catalog.createTable(
                TableIdentifier.of("bench", name),
                SCHEMA,
                PartitionSpec.unpartitioned(),
                Map.of("format-version", "2", "write.upsert.enabled", "true"));
    }

    private static void upsert(Table table, long from, long to, long subject, int commit) {
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
            for (long id = from; id < to; id++) {
                long k = id == from && subject >= 0 ? subject : id;
                deletes.write(key.copy("id", k));
                GenericRecord r = row.copy();
                r.setField("id", k);
                r.setField("email_hash", "hash-" + k);
                r.setField("country", "c" + commit % 7);
                r.setField("amount", k * 31 % 100_000);
                data.write(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DataFile dataFile = data.toDataFile();
        DeleteFile deleteFile = deletes.toDeleteFile();
        table.newRowDelta().addRows(dataFile).addDeletes(deleteFile).commit();
    }

    private static long bytes(Table table) throws IOException {
        table.refresh();
        long bytes = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask t : tasks) {
                bytes += t.file().fileSizeInBytes();
                for (DeleteFile d : t.deletes()) {
                    if (seen.add(d.location())) {
                        bytes += d.fileSizeInBytes();
                    }
                }
            }
        }
        return bytes;
    }

    /** Every live row but the subject's read (deletes applied) and written into one new file. */
    private static long fullRewrite(Table table, long subject) throws IOException {
        table.refresh();
        long read = bytes(table);
        java.util.Set<DataFile> old = new java.util.LinkedHashSet<>();
        java.util.Set<DeleteFile> oldDeletes = new java.util.LinkedHashSet<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask t : tasks) {
                old.add(t.file());
                oldDeletes.addAll(t.deletes());
            }
        }
        OutputFileFactory files =
                OutputFileFactory.builderFor(table, 2, System.nanoTime())
                        .format(FileFormat.PARQUET)
                        .build();
        DataWriter<Record> writer =
                new GenericAppenderFactory(table.schema(), table.spec())
                        .newDataWriter(files.newOutputFile(), FileFormat.PARQUET, null);
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build();
                writer) {
            for (Record r : records) {
                if (!Long.valueOf(subject).equals(r.getField("id"))) {
                    writer.write(r);
                }
            }
        }
        RewriteFiles rewrite =
                table.newRewrite()
                        .validateFromSnapshot(table.currentSnapshot().snapshotId())
                        .dataSequenceNumber(table.currentSnapshot().sequenceNumber());
        old.forEach(rewrite::deleteFile);
        oldDeletes.forEach(rewrite::deleteFile);
        rewrite.addFile(writer.toDataFile());
        rewrite.commit();
        return read;
    }

    /** The verifier's file scan, for the hit count after the purge. */
    private static final class ErasureVerifierAccess {
        static long hits(Table table, Identifiers ids) throws IOException {
            return ErasureVerifier.fileHits(table, ids);
        }
    }
}
