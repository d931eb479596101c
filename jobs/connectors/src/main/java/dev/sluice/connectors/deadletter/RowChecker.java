package dev.sluice.connectors.deadletter;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;

/**
 * Checks a sink row against the target table's columns as the database declares them (read once
 * from its JDBC metadata): lengths, numeric precision and integer ranges, date and timestamp
 * ranges, NOT NULL; and the row's size. Names columns and rules, never values.
 */
final class RowChecker implements Serializable {

    private static final long serialVersionUID = 1L;

    /** PostgreSQL's timestamp and date range, in years (4713 BC is year -4712). */
    private static final int MIN_YEAR = -4712;

    private static final int MAX_TIMESTAMP_YEAR = 294276;

    /** Why a row is not written, its key and size. */
    record Violation(String reason, Map<String, Object> key, long bytes) {}

    /** One column of the target table. */
    private record Limit(int jdbcType, String typeName, int size, int digits, boolean nullable)
            implements Serializable {}

    private final String url;
    private final String tableName;
    private final String username;
    private final String password;
    private final List<String> names;
    private final List<LogicalType> types;
    private final int[] keyIndexes;
    private final int maxRowBytes;
    private transient Map<String, Limit> limits;
    private transient RowData.FieldGetter[] getters;

    RowChecker(
            String url,
            String tableName,
            String username,
            String password,
            DataType physicalRow,
            int[] keyIndexes,
            int maxRowBytes) {
        this.url = url;
        this.tableName = tableName;
        this.username = username;
        this.password = password;
        RowType row = (RowType) physicalRow.getLogicalType();
        this.names = row.getFieldNames();
        this.types = row.getChildren();
        this.keyIndexes = keyIndexes;
        this.maxRowBytes = maxRowBytes;
    }

    /** Reads the target table's columns. */
    void open() throws SQLException {
        getters = new RowData.FieldGetter[types.size()];
        for (int i = 0; i < types.size(); i++) {
            getters[i] = RowData.createFieldGetter(types.get(i), i);
        }
        limits = new HashMap<>();
        Properties properties = new Properties();
        if (username != null) {
            properties.setProperty("user", username);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        String schema = null;
        String table = tableName;
        int dot = tableName.lastIndexOf('.');
        if (dot > 0) {
            schema = tableName.substring(0, dot);
            table = tableName.substring(dot + 1);
        }
        try (Connection connection = DriverManager.getConnection(url, properties)) {
            DatabaseMetaData meta = connection.getMetaData();
            for (String candidate : new String[] {table, table.toLowerCase(Locale.ROOT)}) {
                try (ResultSet columns = meta.getColumns(null, schema, candidate, null)) {
                    while (columns.next()) {
                        limits.put(
                                columns.getString("COLUMN_NAME").toLowerCase(Locale.ROOT),
                                new Limit(
                                        columns.getInt("DATA_TYPE"),
                                        columns.getString("TYPE_NAME"),
                                        columns.getInt("COLUMN_SIZE"),
                                        columns.getInt("DECIMAL_DIGITS"),
                                        columns.getInt("NULLABLE")
                                                != DatabaseMetaData.columnNoNulls));
                    }
                }
                if (!limits.isEmpty()) {
                    break;
                }
            }
        }
    }

    /** Null when the row may be written; a row that only removes (delete, update-before) always. */
    Violation check(RowData row) {
        if (row.getRowKind() == RowKind.DELETE || row.getRowKind() == RowKind.UPDATE_BEFORE) {
            return null;
        }
        long bytes = 0;
        String problem = null;
        for (int i = 0; i < types.size(); i++) {
            Object value = getters[i].getFieldOrNull(row);
            String column = names.get(i);
            Limit limit = limits.get(column.toLowerCase(Locale.ROOT));
            if (value instanceof StringData string) {
                bytes += string.toBytes().length;
            } else if (value instanceof byte[] array) {
                bytes += array.length;
            } else {
                bytes += 8;
            }
            if (problem == null && limit != null) {
                problem = problem(column, value, limit);
            }
        }
        if (problem == null && bytes > maxRowBytes) {
            problem =
                    "oversized: the row has "
                            + bytes
                            + " bytes of values, more than max-row-bytes ("
                            + maxRowBytes
                            + ")";
        }
        return problem == null ? null : new Violation(problem, key(row), bytes);
    }

    private static String problem(String column, Object value, Limit limit) {
        if (value == null) {
            return limit.nullable()
                    ? null
                    : "null in NOT NULL column " + column + " (" + limit.typeName() + ")";
        }
        switch (limit.jdbcType()) {
            case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR -> {
                if (value instanceof StringData string
                        && limit.size() > 0
                        && limit.size() < 1 << 30) {
                    String text = string.toString();
                    int length = text.codePointCount(0, text.length());
                    if (length > limit.size()) {
                        return "too long: column "
                                + column
                                + " is "
                                + limit.typeName()
                                + "("
                                + limit.size()
                                + "), the value has "
                                + length
                                + " characters";
                    }
                }
            }
            case Types.NUMERIC, Types.DECIMAL -> {
                BigDecimal number = decimal(value);
                if (number != null && limit.size() > 0 && limit.size() <= 1000) {
                    BigDecimal rounded =
                            number.setScale(Math.max(limit.digits(), 0), RoundingMode.HALF_UP);
                    int integerDigits = rounded.precision() - rounded.scale();
                    if (integerDigits > limit.size() - limit.digits()) {
                        return "out of range: column "
                                + column
                                + " is numeric("
                                + limit.size()
                                + ", "
                                + limit.digits()
                                + "), the value has "
                                + integerDigits
                                + " digits before the point";
                    }
                }
            }
            case Types.SMALLINT, Types.INTEGER, Types.TINYINT -> {
                BigDecimal number = decimal(value);
                long max = limit.jdbcType() == Types.INTEGER ? Integer.MAX_VALUE : Short.MAX_VALUE;
                long min = limit.jdbcType() == Types.INTEGER ? Integer.MIN_VALUE : Short.MIN_VALUE;
                if (number != null
                        && (number.compareTo(BigDecimal.valueOf(max)) > 0
                                || number.compareTo(BigDecimal.valueOf(min)) < 0)) {
                    return "out of range: column " + column + " is " + limit.typeName();
                }
            }
            case Types.DATE, Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                int year = year(value);
                if (year != Integer.MIN_VALUE && (year < MIN_YEAR || year > MAX_TIMESTAMP_YEAR)) {
                    return "bad timestamp: column "
                            + column
                            + " ("
                            + limit.typeName()
                            + ") holds years "
                            + MIN_YEAR
                            + " to "
                            + MAX_TIMESTAMP_YEAR
                            + ", the value is in year "
                            + year;
                }
            }
            default -> {
                // other types: the database decides
            }
        }
        return null;
    }

    private static BigDecimal decimal(Object value) {
        if (value instanceof DecimalData decimal) {
            return decimal.toBigDecimal();
        }
        if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        }
        return null;
    }

    private static int year(Object value) {
        if (value instanceof TimestampData timestamp) {
            return timestamp.toLocalDateTime().getYear();
        }
        if (value instanceof Integer days) {
            return LocalDate.ofEpochDay(days).getYear();
        }
        return Integer.MIN_VALUE;
    }

    private Map<String, Object> key(RowData row) {
        Map<String, Object> key = new LinkedHashMap<>();
        for (int index : keyIndexes) {
            Object value = getters[index].getFieldOrNull(row);
            key.put(names.get(index), value == null ? null : value.toString());
        }
        return key;
    }
}
