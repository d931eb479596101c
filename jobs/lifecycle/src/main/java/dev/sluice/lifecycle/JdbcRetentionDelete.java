package dev.sluice.lifecycle;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Row retention of a JDBC table: deletes the rows whose time column is older than a cutoff, in
 * batches of at most {@link #BATCH} rows per transaction, so that a large backlog never holds one
 * long lock against the pipeline writing the table. A batch reads the primary keys of expired rows
 * and deletes each by key with the age condition repeated, so a row the pipeline updated meanwhile
 * to a newer time is kept. A table without a primary key is deleted from in one statement.
 *
 * <p>Time columns without a zone ({@code TIMESTAMP}, {@code DATE}) are compared in UTC, as Sluice's
 * pipelines write them ({@code table.local-time-zone} UTC).
 */
public final class JdbcRetentionDelete {
    static final int BATCH = 5_000;

    private JdbcRetentionDelete() {}

    /** Opens a connection with the plan's credentials. */
    static Connection connect(JdbcRetentionPlan plan) throws SQLException {
        Properties props = new Properties();
        if (plan.username() != null) {
            props.setProperty("user", plan.username());
        }
        if (plan.password() != null) {
            props.setProperty("password", plan.password());
        }
        return DriverManager.getConnection(plan.url(), props);
    }

    /** The table's columns and types as the database reports them, and its primary key. */
    record TableShape(
            String name, List<String> columns, List<Integer> types, List<String> primaryKey) {
        /** The column's name as the database stores it, or null when the table lacks it. */
        String column(String column) {
            for (String c : columns) {
                if (c.equals(column)) {
                    return c;
                }
            }
            for (String c : columns) {
                if (c.equalsIgnoreCase(column)) {
                    return c;
                }
            }
            return null;
        }

        Integer typeOf(String column) {
            String c = column(column);
            return c == null ? null : types.get(columns.indexOf(c));
        }
    }

    static TableShape shape(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String[] parts = split(table);
        List<String> columns = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        for (String[] candidate : caseVariants(meta, parts)) {
            try (ResultSet rs = meta.getColumns(null, candidate[0], candidate[1], null)) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME"));
                    types.add(rs.getInt("DATA_TYPE"));
                }
            }
            if (!columns.isEmpty()) {
                List<String> key = new ArrayList<>();
                try (ResultSet rs = meta.getPrimaryKeys(null, candidate[0], candidate[1])) {
                    List<String[]> seq = new ArrayList<>();
                    while (rs.next()) {
                        seq.add(
                                new String[] {
                                    String.valueOf(rs.getShort("KEY_SEQ")),
                                    rs.getString("COLUMN_NAME")
                                });
                    }
                    seq.sort(
                            (a, b) ->
                                    Integer.compare(
                                            Integer.parseInt(a[0]), Integer.parseInt(b[0])));
                    seq.forEach(s -> key.add(s[1]));
                }
                String name =
                        candidate[0] == null ? candidate[1] : candidate[0] + "." + candidate[1];
                return new TableShape(name, columns, types, key);
            }
        }
        return new TableShape(table, List.of(), List.of(), List.of());
    }

    static boolean isTime(int sqlType) {
        return sqlType == Types.DATE
                || sqlType == Types.TIMESTAMP
                || sqlType == Types.TIMESTAMP_WITH_TIMEZONE;
    }

    static String typeName(int sqlType) {
        try {
            return JDBCType.valueOf(sqlType).getName();
        } catch (IllegalArgumentException e) {
            return "type " + sqlType;
        }
    }

    /** Deletes the rows of the plan's table older than {@code cutoff}; returns how many. */
    public static RetentionDelete.Result deleteOlderThan(JdbcRetentionPlan plan, Instant cutoff)
            throws SQLException {
        try (Connection c = connect(plan)) {
            TableShape shape = shape(c, plan.table());
            if (shape.columns().isEmpty()) {
                throw new SQLException(
                        "Table "
                                + plan.table()
                                + " of "
                                + plan.dataset()
                                + " not found in its database (its pipeline, "
                                + plan.writer()
                                + ", writes it there). Create it, or fix table-name.");
            }
            String quote = c.getMetaData().getIdentifierQuoteString().trim();
            String table = quoted(shape.name(), quote);
            String timeColumn = shape.column(plan.timeColumn());
            if (timeColumn == null) {
                throw new SQLException(
                        "Table "
                                + plan.table()
                                + " of "
                                + plan.dataset()
                                + " has no column "
                                + plan.timeColumn()
                                + " (time_column of its retention entry, "
                                + plan.declaredAt()
                                + "). Columns: "
                                + shape.columns()
                                + ".");
            }
            String time = quoted(timeColumn, quote);
            Timestamp limit = Timestamp.valueOf(LocalDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            c.setAutoCommit(false);
            long deleted = 0;
            if (shape.primaryKey().isEmpty()) {
                try (PreparedStatement delete =
                        c.prepareStatement("DELETE FROM " + table + " WHERE " + time + " < ?")) {
                    delete.setTimestamp(1, limit);
                    deleted = delete.executeUpdate();
                }
                c.commit();
                return new RetentionDelete.Result(deleted, null, cutoff);
            }
            List<String> key = shape.primaryKey();
            String keyList = String.join(", ", key.stream().map(k -> quoted(k, quote)).toList());
            String byKey =
                    String.join(" AND ", key.stream().map(k -> quoted(k, quote) + " = ?").toList());
            try (PreparedStatement select =
                            c.prepareStatement(
                                    "SELECT " + keyList + " FROM " + table + " WHERE " + time
                                            + " < ?");
                    PreparedStatement delete =
                            c.prepareStatement(
                                    "DELETE FROM "
                                            + table
                                            + " WHERE "
                                            + byKey
                                            + " AND "
                                            + time
                                            + " < ?")) {
                select.setMaxRows(BATCH);
                while (true) {
                    select.setTimestamp(1, limit);
                    int batch = 0;
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            for (int i = 0; i < key.size(); i++) {
                                delete.setObject(i + 1, rs.getObject(i + 1));
                            }
                            delete.setTimestamp(key.size() + 1, limit);
                            delete.addBatch();
                            batch++;
                        }
                    }
                    if (batch == 0) {
                        c.commit();
                        break;
                    }
                    for (int n : delete.executeBatch()) {
                        deleted += Math.max(n, 0);
                    }
                    c.commit();
                    if (batch < BATCH) {
                        break;
                    }
                }
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
            return new RetentionDelete.Result(deleted, null, cutoff);
        }
    }

    private static String quoted(String name, String quote) {
        if (quote.isEmpty()) {
            return name;
        }
        List<String> parts = new ArrayList<>();
        for (String p : name.split("\\.")) {
            parts.add(quote + p.replace(quote, quote + quote) + quote);
        }
        return String.join(".", parts);
    }

    private static String[] split(String table) {
        int dot = table.lastIndexOf('.');
        return dot < 0
                ? new String[] {null, table}
                : new String[] {table.substring(0, dot), table.substring(dot + 1)};
    }

    /** The name as written, then as the database folds unquoted names (lower or upper case). */
    private static List<String[]> caseVariants(DatabaseMetaData meta, String[] parts)
            throws SQLException {
        List<String[]> out = new ArrayList<>();
        out.add(parts);
        if (meta.storesLowerCaseIdentifiers()) {
            out.add(fold(parts, true));
        } else if (meta.storesUpperCaseIdentifiers()) {
            out.add(fold(parts, false));
        }
        return out;
    }

    private static String[] fold(String[] parts, boolean lower) {
        String[] out = new String[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] =
                    parts[i] == null
                            ? null
                            : lower
                                    ? parts[i].toLowerCase(Locale.ROOT)
                                    : parts[i].toUpperCase(Locale.ROOT);
        }
        return out;
    }
}
