package dev.sluice.erasure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericDeleteFilter;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * Erases a subject's rows from one Iceberg table and purges them physically, touching only the
 * files that hold them:
 *
 * <ol>
 *   <li><b>delete</b>: a row-level delete (a {@code RowDelta} of position deletes, which hold file
 *       paths and positions, never values) of every live row whose identifying columns hold one of
 *       the values;
 *   <li><b>rewrite</b>: every data file that physically holds a value (live or already deleted
 *       rows) is rewritten without those rows, the table's deletes applied, with the data sequence
 *       number of the snapshot it was read from (so equality deletes committed later still apply to
 *       its rows); every equality-delete file holding a value is rewritten without it, keeping its
 *       own data sequence number; the position-delete file of step 1 is dropped. One {@code
 *       replace} commit. A commit conflict (a concurrent change to those files) restarts the step
 *       on the new table state.
 * </ol>
 *
 * <p>Snapshot expiry and orphan removal are {@link IcebergPurge}'s. Unpartitioned tables only (as
 * lifecycle's row retention).
 */
public final class IcebergErasure {
    private static final int ATTEMPTS = 5;

    /**
     * What one erasure did.
     *
     * @param rowsDeleted live rows deleted by the row-level delete
     * @param deleteSnapshotId the row-level delete's snapshot (null when no live row matched)
     * @param rewriteSnapshotId the rewrite's snapshot (null when no file held a value)
     * @param dataFilesRewritten data files replaced
     * @param deleteFilesRewritten equality-delete files replaced
     * @param bytesRewritten bytes of the files replaced (read and written again)
     * @param rewrittenFiles the replaced files' locations
     */
    public record Result(
            long rowsDeleted,
            Long deleteSnapshotId,
            Long rewriteSnapshotId,
            int dataFilesRewritten,
            int deleteFilesRewritten,
            long bytesRewritten,
            List<String> rewrittenFiles) {}

    private final Table table;
    private final Identifiers identifiers;

    /**
     * @param identifiers the identifying columns of the table and their values (Iceberg's Java
     *     types: Long for bigint, String for string)
     */
    public IcebergErasure(Table table, Identifiers identifiers) {
        this.table = table;
        this.identifiers = identifiers;
        if (!table.spec().isUnpartitioned()) {
            throw new IllegalArgumentException(
                    "Cannot erase from "
                            + table.name()
                            + ": the table is partitioned ("
                            + table.spec()
                            + "). Erasure supports unpartitioned tables (as Sluice's warehouse).");
        }
        for (String column : identifiers.columns()) {
            if (table.schema().findField(column) == null) {
                throw new IllegalArgumentException(
                        "Cannot erase from "
                                + table.name()
                                + ": no column "
                                + column
                                + " (columns: "
                                + table.schema().columns().stream()
                                        .map(Types.NestedField::name)
                                        .toList()
                                + ").");
            }
        }
    }

    /** Row-level delete, then the rewrite of the files holding the values; retried on conflict. */
    public Result erase() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return eraseOnce();
            } catch (ValidationException | CommitFailedException e) {
                last = e; // a concurrent commit touched the files: read them again
            }
        }
        throw new IllegalStateException(
                "Cannot erase from "
                        + table.name()
                        + ": "
                        + ATTEMPTS
                        + " attempts conflicted with concurrent commits. Run forget again.",
                last);
    }

    private Result eraseOnce() {
        table.refresh();
        Snapshot start = table.currentSnapshot();
        if (start == null) {
            return new Result(0, null, null, 0, 0, 0, List.of());
        }
        // 1. which data files physically hold a value, and which of their live rows match
        List<FileScanTask> holding = new ArrayList<>();
        Map<String, Rewritten> rewrites = new LinkedHashMap<>();
        Map<String, List<Long>> livePositions = new LinkedHashMap<>();
        long rowsDeleted = 0;
        // the filter finds the candidate files; their rewrite needs every delete that applies to
        // them, and a filtered scan leaves out the equality deletes whose statistics exclude the
        // subject's values (other rows' old versions would come back with the rewrite's sequence
        // number): the candidates are read from an unfiltered scan
        Set<String> candidates = new HashSet<>();
        try (CloseableIterable<FileScanTask> tasks =
                table.newScan().useSnapshot(start.snapshotId()).filter(filter()).planFiles()) {
            for (FileScanTask task : tasks) {
                candidates.add(task.file().location());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (CloseableIterable<FileScanTask> tasks =
                candidates.isEmpty()
                        ? CloseableIterable.empty()
                        : table.newScan().useSnapshot(start.snapshotId()).planFiles()) {
            for (FileScanTask task : tasks) {
                if (!candidates.contains(task.file().location())) {
                    continue;
                }
                if (task.file().format() != FileFormat.PARQUET) {
                    throw new IllegalStateException(
                            "Cannot erase from "
                                    + table.name()
                                    + ": data file "
                                    + task.file().location()
                                    + " is "
                                    + task.file().format()
                                    + "; erasure rewrites Parquet files only.");
                }
                if (!holdsValue(task.file(), table.schema())) {
                    continue;
                }
                holding.add(task);
                // one pass: the file without the subject's rows, and their positions
                Rewritten rewritten = rewriteDataFile(task);
                rewrites.put(task.file().location(), rewritten);
                List<Long> positions = rewritten.positions();
                if (!positions.isEmpty()) {
                    livePositions.put(task.file().location(), positions);
                    rowsDeleted += positions.size();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<DeleteFile> eqDeletes = equalityDeletesHoldingValues(start);
        if (holding.isEmpty() && eqDeletes.isEmpty()) {
            return new Result(0, null, null, 0, 0, 0, List.of());
        }

        // 2. the row-level delete: position deletes name no value
        Long deleteSnapshotId = null;
        DeleteFile positionDeletes = null;
        long validateFrom = start.snapshotId();
        if (rowsDeleted > 0) {
            positionDeletes = writePositionDeletes(livePositions);
            RowDelta delta =
                    table.newRowDelta()
                            .addDeletes(positionDeletes)
                            .validateFromSnapshot(start.snapshotId())
                            .validateDataFilesExist(livePositions.keySet())
                            .validateDeletedFiles()
                            .set("sluice.operation", "erasure-delete");
            delta.commit();
            table.refresh();
            deleteSnapshotId = table.currentSnapshot().snapshotId();
            validateFrom = deleteSnapshotId;
        }

        // 3. rewrite what holds a value, deletes as of the start applied, subject rows left out
        Set<DataFile> replaced = new LinkedHashSet<>();
        Set<DataFile> added = new LinkedHashSet<>();
        List<String> rewrittenFiles = new ArrayList<>();
        long bytes = 0;
        for (FileScanTask task : holding) {
            replaced.add(task.file());
            rewrittenFiles.add(task.file().location());
            bytes += task.file().fileSizeInBytes();
            DataFile rewritten = rewrites.get(task.file().location()).file();
            if (rewritten != null) {
                added.add(rewritten);
            }
        }
        RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(validateFrom);
        rewrite.dataSequenceNumber(start.sequenceNumber());
        replaced.forEach(rewrite::deleteFile);
        added.forEach(rewrite::addFile);
        for (DeleteFile d : eqDeletes) {
            rewrite.deleteFile(d);
            rewrittenFiles.add(d.location());
            bytes += d.fileSizeInBytes();
            DeleteFile kept = rewriteEqualityDeletes(d);
            if (kept != null) {
                rewrite.addFile(kept, d.dataSequenceNumber());
            }
        }
        if (positionDeletes != null) {
            rewrite.deleteFile(positionDeletes);
        }
        rewrite.set("sluice.operation", "erasure-rewrite");
        rewrite.commit();
        table.refresh();
        return new Result(
                rowsDeleted,
                deleteSnapshotId,
                table.currentSnapshot().snapshotId(),
                replaced.size(),
                eqDeletes.size(),
                bytes,
                rewrittenFiles);
    }

    private Expression filter() {
        return filter(table.schema());
    }

    /** Any identifying column of {@code schema} holding a value. */
    private Expression filter(Schema schema) {
        Expression e = Expressions.alwaysFalse();
        for (String column : identifiers.columns()) {
            if (schema.findField(column) != null) {
                e = Expressions.or(e, Expressions.in(column, identifiers.values(column)));
            }
        }
        return e;
    }

    /** Whether the file (read raw, no deletes applied) holds one of the values. */
    private boolean holdsValue(ContentFile<?> file, Schema schema) {
        Schema projection = projection(schema);
        if (projection.columns().isEmpty()) {
            return false;
        }
        // row groups whose statistics or dictionaries exclude every value are skipped
        try (CloseableIterable<Record> records =
                Parquet.read(table.io().newInputFile(file.location()))
                        .project(projection)
                        .filter(filter(projection))
                        .createReaderFunc(
                                fileSchema ->
                                        GenericParquetReaders.buildReader(projection, fileSchema))
                        .build()) {
            for (Record r : records) {
                if (identifiers.matches(r)) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return false;
    }

    private Schema projection(Schema schema) {
        List<String> present = new ArrayList<>();
        for (String column : identifiers.columns()) {
            if (schema.findField(column) != null) {
                present.add(column);
            }
        }
        return new Schema(
                schema.select(present).columns().stream()
                        .map(Types.NestedField::asOptional)
                        .toList());
    }

    private CloseableIterable<Record> read(String location, Schema projection) {
        return Parquet.read(table.io().newInputFile(location))
                .project(projection)
                .createReaderFunc(
                        fileSchema -> GenericParquetReaders.buildReader(projection, fileSchema))
                .build();
    }

    /** The live rows of a task (deletes applied), each with its position in the file. */
    private CloseableIterable<Record> live(FileScanTask task) {
        GenericDeleteFilter deletes =
                new GenericDeleteFilter(table.io(), task, table.schema(), withPosition());
        Schema required = deletes.requiredSchema();
        return deletes.filter(read(task.file().location(), required));
    }

    private Schema withPosition() {
        List<Types.NestedField> fields = new ArrayList<>(table.schema().columns());
        fields.add(MetadataColumns.ROW_POSITION);
        return new Schema(fields);
    }

    /** A data file rewritten without the subject's rows (null when none is left). */
    private record Rewritten(DataFile file, List<Long> positions) {}

    private Rewritten rewriteDataFile(FileScanTask task) {
        GenericAppenderFactory appenders = new GenericAppenderFactory(table.schema(), table.spec());
        DataWriter<Record> writer =
                appenders.newDataWriter(files().newOutputFile(), format(), null);
        long written = 0;
        List<Long> positions = new ArrayList<>();
        try (CloseableIterable<Record> records = live(task);
                writer) {
            GenericRecord row = GenericRecord.create(table.schema());
            for (Record r : records) {
                if (identifiers.matches(r)) {
                    positions.add((Long) r.getField(MetadataColumns.ROW_POSITION.name()));
                    continue;
                }
                GenericRecord copy = row.copy();
                for (Types.NestedField f : table.schema().columns()) {
                    copy.setField(f.name(), r.getField(f.name()));
                }
                writer.write(copy);
                written++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DataFile out = writer.toDataFile();
        if (written == 0) {
            table.io().deleteFile(out.location());
            return new Rewritten(null, positions);
        }
        return new Rewritten(out, positions);
    }

    /** The equality-delete files of {@code snapshot} on identifying columns that hold a value. */
    private List<DeleteFile> equalityDeletesHoldingValues(Snapshot snapshot) {
        List<DeleteFile> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ManifestFile manifest : snapshot.deleteManifests(table.io())) {
            try (ManifestReader<DeleteFile> reader =
                    ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
                for (DeleteFile d : reader) {
                    if (d.content() != FileContent.EQUALITY_DELETES
                            || !seen.add(d.location())
                            || d.format() != FileFormat.PARQUET) {
                        continue;
                    }
                    Schema eq = equalitySchema(d);
                    if (!projection(eq).columns().isEmpty() && holdsValue(d, eq)) {
                        out.add(d.copy());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private Schema equalitySchema(DeleteFile d) {
        return table.schema()
                .select(
                        d.equalityFieldIds().stream()
                                .map(id -> table.schema().findColumnName(id))
                                .toList());
    }

    private DeleteFile rewriteEqualityDeletes(DeleteFile d) {
        Schema eq = equalitySchema(d);
        int[] ids = d.equalityFieldIds().stream().mapToInt(Integer::intValue).toArray();
        GenericAppenderFactory appenders =
                new GenericAppenderFactory(table.schema(), table.spec(), ids, eq, null);
        EqualityDeleteWriter<Record> writer =
                appenders.newEqDeleteWriter(files().newOutputFile(), format(), null);
        long written = 0;
        try (CloseableIterable<Record> records = read(d.location(), eq);
                writer) {
            for (Record r : records) {
                if (!identifiers.matches(r)) {
                    writer.write(r.copy());
                    written++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DeleteFile out = writer.toDeleteFile();
        if (written == 0) {
            table.io().deleteFile(out.location());
            return null;
        }
        return out;
    }

    private DeleteFile writePositionDeletes(Map<String, List<Long>> positions) {
        GenericAppenderFactory appenders = new GenericAppenderFactory(table.schema(), table.spec());
        PositionDeleteWriter<Record> writer =
                appenders.newPosDeleteWriter(files().newOutputFile(), format(), null);
        try (writer) {
            PositionDelete<Record> delete = PositionDelete.create();
            // position deletes are sorted by file, then position
            for (String file : positions.keySet().stream().sorted().toList()) {
                for (long pos : positions.get(file).stream().sorted().toList()) {
                    writer.write(delete.set(file, pos, null));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writer.toDeleteFile();
    }

    private OutputFileFactory files() {
        return OutputFileFactory.builderFor(table, 0, System.currentTimeMillis())
                .format(format())
                .operationId("erasure-" + UUID.randomUUID())
                .build();
    }

    private FileFormat format() {
        return FileFormat.fromString(
                table.properties()
                        .getOrDefault(
                                TableProperties.DEFAULT_FILE_FORMAT,
                                TableProperties.DEFAULT_FILE_FORMAT_DEFAULT)
                        .toUpperCase(Locale.ROOT));
    }
}
