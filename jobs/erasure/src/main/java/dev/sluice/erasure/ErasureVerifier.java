package dev.sluice.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.lifecycle.WarehouseCatalog;
import dev.sluice.policy.pseudonym.KeyProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.parquet.Parquet;

/**
 * {@code sluice forget --verify}: looks for a subject's identifying values where they could still
 * be, and counts the hits (expected 0): every Parquet file (data and delete files) referenced by
 * any snapshot of each Iceberg table or lying in its {@code data/} folder, read raw (deletes not
 * applied); the rows of each JDBC sink; and a full replay of the staging topics of the subject's
 * columns (through {@code stagingRows}, which decrypts where staging is encrypted).
 */
public final class ErasureVerifier {

    /** Hits in one place. */
    public record Hit(String place, String dataset, long hits, long scanned) {}

    private ErasureVerifier() {}

    /** Live rows (deletes applied) of the current snapshot that hold a value. */
    public static long liveRows(Table table, Identifiers identifiers) throws IOException {
        table.refresh();
        if (table.currentSnapshot() == null || identifiers.isEmpty()) {
            return 0;
        }
        Expression filter = Expressions.alwaysFalse();
        for (String c : identifiers.columns()) {
            filter = Expressions.or(filter, Expressions.in(c, identifiers.values(c)));
        }
        long n = 0;
        try (CloseableIterable<Record> records =
                IcebergGenerics.read(table).where(filter).build()) {
            for (Record r : records) {
                if (identifiers.matches(r)) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Verifies every target and the staging topics of the subject's columns.
     *
     * @param stagingRows replays a dataset's staging topic as rows (null: staging not checked)
     */
    public static List<Hit> verify(
            ErasurePlan plan,
            SubjectValues values,
            WarehouseCatalog catalog,
            KeyProvider keys,
            Function<String, java.util.function.Consumer<java.util.function.Consumer<JsonNode>>>
                    stagingRows)
            throws Exception {
        List<Hit> out = new ArrayList<>();
        for (ErasurePlan.Target t : plan.targets()) {
            Map<String, Set<String>> v = values.forTarget(t, keys);
            if (t.identity().kind().equals("iceberg")) {
                TableIdentifier id = TableIdentifier.parse(t.identity().fields().get("table"));
                Table table = catalog.open().loadTable(id);
                long[] r = icebergFiles(table, Identifiers.forSchema(table.schema(), v));
                out.add(
                        new Hit(
                                "iceberg files of " + catalog.qualified(id),
                                t.dataset(),
                                r[0],
                                r[1]));
            } else {
                JdbcErasure jdbc = new JdbcErasure(t.options(), Identifiers.ofText(v));
                out.add(new Hit("jdbc table " + jdbc.table(), t.dataset(), jdbc.count(), -1));
            }
        }
        if (stagingRows != null) {
            Map<String, Map<String, Set<String>>> byDataset = values.byStagingDataset();
            for (Map.Entry<String, Map<String, Set<String>>> e : byDataset.entrySet()) {
                if (plan.sourceOptions(e.getKey()) == null) {
                    continue;
                }
                var replay = stagingRows.apply(e.getKey());
                long[] counts = stagingHits(replay, e.getValue());
                out.add(
                        new Hit(
                                "staging topic "
                                        + plan.sourceOptions(e.getKey()).get("topic")
                                        + (counts[2] > 0
                                                ? " (" + counts[2] + " rows shredded)"
                                                : ""),
                                e.getKey(),
                                counts[0],
                                counts[1]));
            }
        }
        return out;
    }

    /**
     * Replays staging rows and counts {hits, rows scanned, rows shredded}. A row marked {@code
     * "_shredded": true} (its subject's data key was destroyed: its encrypted columns read as NULL)
     * is no hit: what it still holds in clear is the subject key column itself (see
     * docs/erasure.md#limits).
     */
    public static long[] stagingHits(
            java.util.function.Consumer<java.util.function.Consumer<JsonNode>> replay,
            Map<String, Set<String>> columnValues) {
        AtomicLong hits = new AtomicLong();
        AtomicLong scanned = new AtomicLong();
        AtomicLong shredded = new AtomicLong();
        replay.accept(
                row -> {
                    scanned.incrementAndGet();
                    if (row.path(dev.sluice.stagingkeys.StagingDecryptor.SHREDDED).asBoolean()) {
                        shredded.incrementAndGet();
                        return;
                    }
                    for (Map.Entry<String, Set<String>> c : columnValues.entrySet()) {
                        JsonNode value = row.get(c.getKey());
                        if (value != null
                                && !value.isNull()
                                && c.getValue().contains(value.asText())) {
                            hits.incrementAndGet();
                            return;
                        }
                    }
                });
        return new long[] {hits.get(), scanned.get(), shredded.get()};
    }

    /** Rows holding a value in any Parquet file of the table (see {@link #verify}). */
    public static long fileHits(Table table, Identifiers identifiers) {
        return icebergFiles(table, identifiers)[0];
    }

    /**
     * Rows holding a value in every Parquet file of the table (referenced by any snapshot or lying
     * in its data folder), read raw: {hits, files scanned}.
     */
    static long[] icebergFiles(Table table, Identifiers identifiers) {
        table.refresh();
        Set<String> files = new LinkedHashSet<>();
        for (String f : IcebergPurge.referenced(table)) {
            files.add(f);
        }
        for (FileInfo f : IcebergPurge.dataFolder(table)) {
            files.add(IcebergPurge.path(f.location()));
        }
        List<String> present = new ArrayList<>();
        for (String c : identifiers.columns()) {
            if (table.schema().findField(c) != null) {
                present.add(c);
            }
        }
        // optional: a position-delete file has none of the columns, an equality delete some
        Schema projection =
                new Schema(
                        table.schema().select(present).columns().stream()
                                .map(org.apache.iceberg.types.Types.NestedField::asOptional)
                                .toList());
        long hits = 0;
        long scanned = 0;
        for (String f : files) {
            if (!f.endsWith(".parquet")) {
                continue;
            }
            scanned++;
            String location = f.startsWith("/") ? "file:" + f : f;
            try (CloseableIterable<Record> records =
                    Parquet.read(table.io().newInputFile(location))
                            .project(projection)
                            .createReaderFunc(
                                    fileSchema ->
                                            GenericParquetReaders.buildReader(
                                                    projection, fileSchema))
                            .build()) {
                for (Record r : records) {
                    if (identifiers.matches(r)) {
                        hits++;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (org.apache.iceberg.exceptions.NotFoundException e) {
                // removed by a concurrent expiry: nothing left to hold a value
            }
        }
        return new long[] {hits, scanned};
    }
}
