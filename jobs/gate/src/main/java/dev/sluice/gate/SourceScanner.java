package dev.sluice.gate;

import dev.sluice.policy.classify.ClassProposal;
import dev.sluice.policy.classify.ColumnClassifier;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Scans a source database for {@code sluice classify}: every table of a schema, its columns and SQL
 * types, and a bounded sample of rows, each column then judged by the {@link ColumnClassifier}.
 */
public final class SourceScanner {

    /** One scanned column and what the classifier proposes for it (best first; may be empty). */
    public record ColumnReport(
            String table,
            String column,
            String sqlType,
            int sampled,
            List<ClassProposal> proposals) {
        public ColumnReport {
            proposals = List.copyOf(proposals);
        }
    }

    private final ColumnClassifier classifier;
    private final int sampleRows;

    public SourceScanner(ColumnClassifier classifier, int sampleRows) {
        if (sampleRows < 0) {
            throw new IllegalArgumentException(
                    "Invalid sample size: "
                            + sampleRows
                            + ". Use 0 (names and types only) or more.");
        }
        this.classifier = classifier;
        this.sampleRows = sampleRows;
    }

    /**
     * Scans every table of {@code schema}; {@code progress} hears one line per table as it goes.
     */
    public List<ColumnReport> scan(Connection connection, String schema, Consumer<String> progress)
            throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = meta.getTables(null, schema, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
            }
        }
        tables.sort(String::compareTo);
        List<ColumnReport> out = new ArrayList<>();
        int n = 0;
        for (String table : tables) {
            n++;
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            try (ResultSet rs = meta.getColumns(null, schema, table, "%")) {
                while (rs.next()) {
                    names.add(rs.getString("COLUMN_NAME"));
                    types.add(rs.getString("TYPE_NAME"));
                }
            }
            List<List<String>> samples = new ArrayList<>();
            names.forEach(c -> samples.add(new ArrayList<>()));
            if (sampleRows > 0 && !names.isEmpty()) {
                String quote = meta.getIdentifierQuoteString().trim();
                String sql =
                        "SELECT * FROM "
                                + quote
                                + schema
                                + quote
                                + "."
                                + quote
                                + table
                                + quote
                                + " LIMIT "
                                + sampleRows;
                try (Statement st = connection.createStatement();
                        ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        for (int i = 0; i < names.size(); i++) {
                            samples.get(i).add(rs.getString(i + 1));
                        }
                    }
                }
            }
            int rows = samples.isEmpty() ? 0 : samples.get(0).size();
            progress.accept(
                    String.format(
                            "[%d/%d] %s.%s: %d columns, %d rows sampled",
                            n, tables.size(), schema, table, names.size(), rows));
            for (int i = 0; i < names.size(); i++) {
                out.add(
                        new ColumnReport(
                                table,
                                names.get(i),
                                types.get(i),
                                rows,
                                classifier.classify(names.get(i), types.get(i), samples.get(i))));
            }
        }
        return out;
    }
}
