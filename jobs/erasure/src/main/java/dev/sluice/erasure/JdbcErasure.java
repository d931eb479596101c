package dev.sluice.erasure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Deletes (or counts) a subject's rows in a JDBC sink table: {@code DELETE FROM table WHERE c1 IN
 * (...) OR c2 IN (...)}, values bound as parameters. The connection comes from the sink's own
 * options ({@code url}, {@code table-name}, {@code username}, {@code password}); the password is
 * never printed.
 */
public final class JdbcErasure {
    private static final Pattern NAME =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final Map<String, String> options;
    private final Identifiers identifiers;

    public JdbcErasure(Map<String, String> options, Identifiers identifiers) {
        this.options = options;
        this.identifiers = identifiers;
        String table = options.get("table-name");
        if (table == null || !NAME.matcher(table).matches()) {
            throw new IllegalArgumentException(
                    "Cannot erase from JDBC table '"
                            + table
                            + "': not a plain [schema.]table name.");
        }
        for (String c : identifiers.columns()) {
            if (!NAME.matcher(c).matches()) {
                throw new IllegalArgumentException("Cannot erase by column '" + c + "'.");
            }
        }
    }

    /** The table as the sink names it. */
    public String table() {
        return options.get("table-name");
    }

    /** Deletes the rows; returns how many. */
    public long delete() throws SQLException {
        return execute("DELETE FROM ", false);
    }

    /** Counts the rows that hold a value. */
    public long count() throws SQLException {
        return execute("SELECT count(*) FROM ", true);
    }

    private long execute(String verb, boolean query) throws SQLException {
        if (identifiers.isEmpty()) {
            return 0;
        }
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        for (String c : identifiers.columns()) {
            if (where.length() > 0) {
                where.append(" OR ");
            }
            where.append("CAST(").append(c).append(" AS VARCHAR) IN (");
            boolean first = true;
            for (Object v : identifiers.values(c)) {
                where.append(first ? "?" : ", ?");
                first = false;
                params.add(v.toString());
            }
            where.append(")");
        }
        String sql = verb + table() + " WHERE " + where;
        try (Connection connection = connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                statement.setString(i + 1, (String) params.get(i));
            }
            if (query) {
                try (ResultSet r = statement.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
            return statement.executeUpdate();
        }
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        if (options.get("username") != null) {
            props.setProperty("user", options.get("username"));
        }
        if (options.get("password") != null) {
            props.setProperty("password", options.get("password"));
        }
        try {
            return DriverManager.getConnection(options.get("url"), props);
        } catch (SQLException e) {
            throw new SQLException(
                    "Cannot connect to the JDBC sink of "
                            + table()
                            + " ("
                            + options.get("url").replaceAll("(?i)(password=)[^&;]*", "$1****")
                            + "): "
                            + e.getMessage(),
                    e.getSQLState(),
                    e);
        }
    }
}
