package dev.sluice.stagingkeys;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The embedded key store: a PostgreSQL table {@code (key_id, subject, subject_id, wrapped_key,
 * created_at)}, one row per subject that has a key. Destroying a key deletes its row (and nothing
 * else holds the key: back up the table only as docs/erasure.md says). One connection, used under
 * this object's lock; reconnects after an error.
 */
public final class JdbcSubjectKeyStore implements SubjectKeyStore {

    private final String url;
    private final String username;
    private final String password;
    private final String table;
    private Connection connection;

    public JdbcSubjectKeyStore(String url, String username, String password, String table) {
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?")) {
            throw new KeyStoreException(
                    "Invalid key store table name '"
                            + table
                            + "': use a plain (optionally schema-qualified) identifier.");
        }
        this.url = url;
        this.username = username;
        this.password = password == null ? "" : password;
        this.table = table;
    }

    @Override
    public synchronized void check() {
        try {
            execute(
                    c -> {
                        try (var s = c.createStatement()) {
                            s.execute(
                                    "CREATE TABLE IF NOT EXISTS "
                                            + table
                                            + " (key_id text PRIMARY KEY, subject text NOT NULL,"
                                            + " subject_id text NOT NULL, wrapped_key bytea NOT"
                                            + " NULL, created_at timestamptz NOT NULL DEFAULT"
                                            + " now(), UNIQUE (subject, subject_id))");
                        }
                        return null;
                    });
        } catch (KeyStoreException e) {
            throw e;
        }
    }

    @Override
    public synchronized Optional<WrappedKey> find(String subject, String subjectId) {
        return execute(
                c -> {
                    try (PreparedStatement s =
                            c.prepareStatement(
                                    "SELECT key_id, wrapped_key FROM "
                                            + table
                                            + " WHERE subject = ? AND subject_id = ?")) {
                        s.setString(1, subject);
                        s.setString(2, subjectId);
                        return one(s);
                    }
                });
    }

    @Override
    public synchronized Optional<WrappedKey> findById(String keyId) {
        return execute(
                c -> {
                    try (PreparedStatement s =
                            c.prepareStatement(
                                    "SELECT key_id, wrapped_key FROM "
                                            + table
                                            + " WHERE key_id = ?")) {
                        s.setString(1, keyId);
                        return one(s);
                    }
                });
    }

    @Override
    public synchronized WrappedKey createIfAbsent(
            String subject, String subjectId, WrappedKey candidate) {
        int inserted =
                execute(
                        c -> {
                            try (PreparedStatement s =
                                    c.prepareStatement(
                                            "INSERT INTO "
                                                    + table
                                                    + " (key_id, subject, subject_id, wrapped_key)"
                                                    + " VALUES (?, ?, ?, ?) ON CONFLICT (subject,"
                                                    + " subject_id) DO NOTHING")) {
                                s.setString(1, candidate.keyId());
                                s.setString(2, subject);
                                s.setString(3, subjectId);
                                s.setBytes(4, candidate.wrapped());
                                return s.executeUpdate();
                            }
                        });
        if (inserted == 1) {
            return candidate; // one round trip for a new subject
        }
        return find(subject, subjectId)
                .orElseThrow(
                        () ->
                                new KeyStoreException(
                                        "The key of a subject vanished right after it was stored"
                                                + " in "
                                                + describe()
                                                + " (destroyed concurrently?); retry."));
    }

    @Override
    public synchronized boolean destroy(String subject, String subjectId) {
        return execute(
                        c -> {
                            try (PreparedStatement s =
                                    c.prepareStatement(
                                            "DELETE FROM "
                                                    + table
                                                    + " WHERE subject = ? AND subject_id = ?")) {
                                s.setString(1, subject);
                                s.setString(2, subjectId);
                                return s.executeUpdate();
                            }
                        })
                > 0;
    }

    @Override
    public String describe() {
        return "key store table " + table + " at " + url;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing: nothing left to do
            }
            connection = null;
        }
    }

    private Optional<WrappedKey> one(PreparedStatement s) throws SQLException {
        try (ResultSet r = s.executeQuery()) {
            return r.next()
                    ? Optional.of(new WrappedKey(r.getString(1), r.getBytes(2)))
                    : Optional.empty();
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T execute(Work<T> work) {
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(url, username, password);
                connection.setAutoCommit(true);
            }
            return work.run(connection);
        } catch (SQLException e) {
            close();
            throw new KeyStoreException(
                    "The "
                            + describe()
                            + " is not usable ("
                            + e.getMessage()
                            + "). Check the key store URL and user options and that the"
                            + " database is up.",
                    e);
        }
    }
}
