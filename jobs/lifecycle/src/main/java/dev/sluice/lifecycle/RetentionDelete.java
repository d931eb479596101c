package dev.sluice.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Deletes the rows of an Iceberg table whose time column is older than a cutoff, with a row-level
 * delete: one equality-delete file on the time column holding each expired time value, committed as
 * a {@code RowDelta}.
 *
 * <p>Why an equality delete on the time column: every value written is older than the cutoff, so
 * every row it matches is expired, whoever wrote it; it only applies to data committed before it
 * (Iceberg sequence numbers), so a row the streaming writer commits afterwards is never touched; it
 * does not name data files, so a concurrent compaction cannot invalidate it; and a conflicting
 * commit is retried by Iceberg on the new table state instead of failing. A filter delete ({@code
 * DeleteFiles}) would only drop whole files and fails on a file that holds both expired and live
 * rows, which an upsert table always has. The next compaction folds the delete into the data files.
 */
public final class RetentionDelete {

    /** What a retention run did: live rows it deleted and the snapshot that did it (or null). */
    public record Result(long rowsDeleted, Long snapshotId, Instant cutoff) {}

    private RetentionDelete() {}

    /** Deletes the rows of {@code table} with {@code timeColumn} before {@code cutoff}. */
    public static Result deleteOlderThan(Table table, String timeColumn, Instant cutoff) {
        table.refresh();
        Types.NestedField field = timeField(table, timeColumn);
        if (!table.spec().isUnpartitioned()) {
            throw new IllegalArgumentException(
                    "Invalid retention target "
                            + table.name()
                            + ": the table is partitioned ("
                            + table.spec()
                            + "). Row retention supports unpartitioned tables; drop old"
                            + " partitions instead, or remove keep: from its retention entry.");
        }
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return new Result(0, null, cutoff);
        }
        Expression older = Expressions.lessThan(timeColumn, literal(field.type(), cutoff));
        Set<Object> expired = new LinkedHashSet<>();
        long rows = 0;
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(table)
                        .useSnapshot(current.snapshotId())
                        .where(older)
                        .select(timeColumn)
                        .build()) {
            for (Record record : records) {
                Object value = record.getField(timeColumn);
                // the scan filter prunes files; this decides each row
                if (value != null && isBefore(value, cutoff)) {
                    expired.add(value);
                    rows++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + table.name() + " for retention", e);
        }
        if (expired.isEmpty()) {
            return new Result(0, null, cutoff);
        }
        DeleteFile deletes = write(table, field, expired);
        table.newRowDelta().addDeletes(deletes).set("sluice.operation", "retention").commit();
        table.refresh();
        return new Result(rows, table.currentSnapshot().snapshotId(), cutoff);
    }

    /** The time column, or an error naming the table's columns. */
    static Types.NestedField timeField(Table table, String timeColumn) {
        Types.NestedField field = table.schema().findField(timeColumn);
        if (field == null) {
            throw new IllegalArgumentException(
                    "Invalid time_column '"
                            + timeColumn
                            + "' for "
                            + table.name()
                            + ": no such column. Columns: "
                            + table.schema().columns().stream()
                                    .map(Types.NestedField::name)
                                    .toList()
                            + ".");
        }
        if (!isTime(field.type())) {
            throw new IllegalArgumentException(
                    "Invalid time_column '"
                            + timeColumn
                            + "' for "
                            + table.name()
                            + ": its type is "
                            + field.type()
                            + ". Use a date or timestamp column such as created_at.");
        }
        return field;
    }

    static boolean isTime(Type type) {
        return type.typeId() == Type.TypeID.DATE
                || type.typeId() == Type.TypeID.TIMESTAMP
                || type.typeId() == Type.TypeID.TIMESTAMP_NANO;
    }

    private static Object literal(Type type, Instant cutoff) {
        return switch (type.typeId()) {
            case DATE -> (int) LocalDate.ofInstant(cutoff, ZoneOffset.UTC).toEpochDay();
            case TIMESTAMP_NANO -> ChronoUnit.NANOS.between(Instant.EPOCH, cutoff);
            default -> ChronoUnit.MICROS.between(Instant.EPOCH, cutoff);
        };
    }

    private static boolean isBefore(Object value, Instant cutoff) {
        if (value instanceof OffsetDateTime t) {
            return t.toInstant().isBefore(cutoff);
        }
        if (value instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC).isBefore(cutoff);
        }
        if (value instanceof LocalDate d) {
            return d.isBefore(LocalDate.ofInstant(cutoff, ZoneOffset.UTC));
        }
        throw new IllegalStateException("Unexpected time value " + value.getClass());
    }

    private static DeleteFile write(Table table, Types.NestedField field, Set<Object> values) {
        Schema deleteSchema = table.schema().select(field.name());
        FileFormat format =
                FileFormat.fromString(
                        table.properties()
                                .getOrDefault(
                                        TableProperties.DEFAULT_FILE_FORMAT,
                                        TableProperties.DEFAULT_FILE_FORMAT_DEFAULT)
                                .toUpperCase(Locale.ROOT));
        GenericAppenderFactory appenders =
                new GenericAppenderFactory(
                        table.schema(),
                        table.spec(),
                        new int[] {field.fieldId()},
                        deleteSchema,
                        null);
        OutputFileFactory files =
                OutputFileFactory.builderFor(table, 0, System.currentTimeMillis())
                        .format(format)
                        .operationId("retention-" + UUID.randomUUID())
                        .build();
        EqualityDeleteWriter<Record> writer =
                appenders.newEqDeleteWriter(files.newOutputFile(), format, null);
        try (writer) {
            GenericRecord record = GenericRecord.create(deleteSchema);
            for (Object value : values) {
                writer.write(record.copy(field.name(), value));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the retention delete file", e);
        }
        return writer.toDeleteFile();
    }
}
