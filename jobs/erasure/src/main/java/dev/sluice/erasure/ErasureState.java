package dev.sluice.erasure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The progress of forget requests in a PostgreSQL table ({@code sluice_erasure_steps}, in the
 * maintenance lock database): one row per request, pass, target and step, with its outcome as JSON.
 * A rerun of an unfinished pass skips the steps already done; a rerun of a finished request starts
 * the next pass (which erases what arrived after the previous one).
 */
public final class ErasureState {
    static final String TABLE = "sluice_erasure_steps";

    private final String jdbcUrl;
    private final Properties properties;

    public ErasureState(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
    }

    public void prepare() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE IF NOT EXISTS "
                            + TABLE
                            + " (request_id TEXT NOT NULL, pass INT NOT NULL, target TEXT NOT NULL,"
                            + " step TEXT NOT NULL, state TEXT NOT NULL, detail TEXT,"
                            + " updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                            + " PRIMARY KEY (request_id, pass, target, step))");
        }
    }

    /** The pass to run: the latest pass when it is unfinished (a crash mid-way), else a new one. */
    public int pass(String requestId) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT pass, bool_and(state = 'done') FROM "
                                        + TABLE
                                        + " WHERE request_id = ? GROUP BY pass ORDER BY pass DESC"
                                        + " LIMIT 1")) {
            s.setString(1, requestId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return 1;
                }
                int pass = r.getInt(1);
                boolean finished =
                        r.getBoolean(2) && done(requestId, pass, "*", "complete") != null;
                return finished ? pass + 1 : pass;
            }
        }
    }

    /** The recorded detail of a finished step ("" without one), or null when not done. */
    public String done(String requestId, int pass, String target, String step) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT detail FROM "
                                        + TABLE
                                        + " WHERE request_id = ? AND pass = ? AND target = ? AND"
                                        + " step = ? AND state = 'done'")) {
            s.setString(1, requestId);
            s.setInt(2, pass);
            s.setString(3, target);
            s.setString(4, step);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                String detail = r.getString(1);
                return detail == null ? "" : detail;
            }
        }
    }

    /** Records a step's state ({@code started}, {@code done}, {@code failed}). */
    public void record(
            String requestId, int pass, String target, String step, String state, String detail)
            throws SQLException {
        try (Connection c = connect();
                PreparedStatement s =
                        c.prepareStatement(
                                "INSERT INTO "
                                        + TABLE
                                        + " (request_id, pass, target, step, state, detail)"
                                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (request_id,"
                                        + " pass, target, step) DO UPDATE SET state ="
                                        + " EXCLUDED.state, detail = EXCLUDED.detail,"
                                        + " updated_at = now()")) {
            s.setString(1, requestId);
            s.setInt(2, pass);
            s.setString(3, target);
            s.setString(4, step);
            s.setString(5, state);
            s.setString(6, detail);
            s.executeUpdate();
        }
    }

    /** Every step of a request, {@code pass/target/step} → state. */
    public Map<String, String> steps(String requestId) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = connect();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT pass, target, step, state FROM "
                                        + TABLE
                                        + " WHERE request_id = ? ORDER BY pass, updated_at")) {
            s.setString(1, requestId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(
                            r.getInt(1) + "/" + r.getString(2) + "/" + r.getString(3),
                            r.getString(4));
                }
            }
        }
        return out;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, properties);
    }
}
