package dev.sluice.stagingkeys;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded key store: a PostgreSQL table {@code (key_id, subject, subject_id, wrapped_key,
 * created_at)}, one row per subject that has a key. Destroying a key deletes its row (and nothing
 * else holds the key: back up the table only as docs/erasure.md says) and appends its key id to the
 * shred log, table {@code <table>_shreds (position, key_id, destroyed_at)}, in the same statement.
 * One connection, used under this object's lock; reconnects after an error.
 */
public final class JdbcSubjectKeyStore implements SubjectKeyStore {

    private final String url;
    private final String username;
    private final String password;
    private final String table;
    private final String shreds;
    private Connection connection;

    /**
     * Positions of the shred log come from a sequence: two destroys committing out of order could
     * show a higher position before a lower one, so each poll re-reads this many positions back.
     */
    static final int SHRED_REREAD = 64;

    public JdbcSubjectKeyStore(String url, String username, String password, String table) {
        if (!table.matches("([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,55}")) {
            throw new KeyStoreException(
                    "Invalid key store table name '"
                            + table
                            + "': use a plain (optionally schema-qualified) identifier of at"
                            + " most 56 characters.");
        }
        this.shreds = table + "_shreds";
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
                            s.execute(
                                    "CREATE TABLE IF NOT EXISTS "
                                            + shreds
                                            + " (position bigserial PRIMARY KEY, key_id text NOT"
                                            + " NULL, destroyed_at timestamptz NOT NULL DEFAULT"
                                            + " now())");
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
                                            "WITH destroyed AS (DELETE FROM "
                                                    + table
                                                    + " WHERE subject = ? AND subject_id = ?"
                                                    + " RETURNING key_id) INSERT INTO "
                                                    + shreds
                                                    + " (key_id) SELECT key_id FROM destroyed")) {
                                s.setString(1, subject);
                                s.setString(2, subjectId);
                                return s.executeUpdate();
                            }
                        })
                > 0;
    }

    @Override
    public synchronized Map<String, WrappedKey> findAll(
            String subject, Collection<String> subjectIds) {
        if (subjectIds.isEmpty()) {
            return Map.of();
        }
        return execute(
                c -> {
                    try (PreparedStatement s =
                            c.prepareStatement(
                                    "SELECT subject_id, key_id, wrapped_key FROM "
                                            + table
                                            + " WHERE subject = ? AND subject_id = ANY (?)")) {
                        s.setString(1, subject);
                        s.setArray(2, c.createArrayOf("text", subjectIds.toArray()));
                        return keysById(s);
                    }
                });
    }

    /**
     * One multi-row {@code INSERT … ON CONFLICT DO NOTHING RETURNING} (one commit) for all
     * candidates, then one SELECT for the ids another writer had stored first.
     */
    @Override
    public synchronized Map<String, WrappedKey> createAllIfAbsent(
            String subject, Map<String, WrappedKey> candidates) {
        if (candidates.isEmpty()) {
            return Map.of();
        }
        List<String> ids = new ArrayList<>(candidates.keySet());
        Map<String, WrappedKey> stored = new HashMap<>();
        List<String> conflicts = new ArrayList<>();
        execute(
                c -> {
                    String[] keyIds = new String[ids.size()];
                    String[] wrapped = new String[ids.size()];
                    for (int i = 0; i < ids.size(); i++) {
                        WrappedKey key = candidates.get(ids.get(i));
                        keyIds[i] = key.keyId();
                        wrapped[i] = Base64.getEncoder().encodeToString(key.wrapped());
                    }
                    try (PreparedStatement s =
                            c.prepareStatement(
                                    "INSERT INTO "
                                            + table
                                            + " (key_id, subject, subject_id, wrapped_key) SELECT"
                                            + " k, ?, i, decode(w, 'base64') FROM unnest(?::text[],"
                                            + " ?::text[], ?::text[]) AS n (k, i, w) ON CONFLICT"
                                            + " (subject, subject_id) DO NOTHING RETURNING"
                                            + " subject_id")) {
                        s.setString(1, subject);
                        s.setArray(2, c.createArrayOf("text", keyIds));
                        s.setArray(3, c.createArrayOf("text", ids.toArray()));
                        s.setArray(4, c.createArrayOf("text", wrapped));
                        try (ResultSet r = s.executeQuery()) {
                            while (r.next()) {
                                String id = r.getString(1);
                                stored.put(id, candidates.get(id));
                            }
                        }
                    }
                    return null;
                });
        for (String id : ids) {
            if (!stored.containsKey(id)) {
                conflicts.add(id);
            }
        }
        if (!conflicts.isEmpty()) {
            Map<String, WrappedKey> existing = findAll(subject, conflicts);
            for (String id : conflicts) {
                WrappedKey key = existing.get(id);
                if (key == null) {
                    throw new KeyStoreException(
                            "The key of a subject vanished right after it was stored in "
                                    + describe()
                                    + " (destroyed concurrently?); retry.");
                }
                stored.put(id, key);
            }
        }
        return stored;
    }

    @Override
    public synchronized Shreds shredsSince(long position) {
        if (position < 0) {
            return execute(
                    c -> {
                        try (var s = c.createStatement();
                                ResultSet r =
                                        s.executeQuery(
                                                "SELECT coalesce(max(position), 0) FROM "
                                                        + shreds)) {
                            r.next();
                            return new Shreds(r.getLong(1), List.of());
                        }
                    });
        }
        return execute(
                c -> {
                    try (PreparedStatement s =
                            c.prepareStatement(
                                    "SELECT position, key_id FROM "
                                            + shreds
                                            + " WHERE position > ? ORDER BY position")) {
                        s.setLong(1, Math.max(0, position - SHRED_REREAD));
                        List<String> keyIds = new ArrayList<>();
                        long last = position;
                        try (ResultSet r = s.executeQuery()) {
                            while (r.next()) {
                                last = Math.max(last, r.getLong(1));
                                keyIds.add(r.getString(2));
                            }
                        }
                        return new Shreds(last, keyIds);
                    }
                });
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

    private static Map<String, WrappedKey> keysById(PreparedStatement s) throws SQLException {
        Map<String, WrappedKey> found = new HashMap<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                found.put(r.getString(1), new WrappedKey(r.getString(2), r.getBytes(3)));
            }
        }
        return found;
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
