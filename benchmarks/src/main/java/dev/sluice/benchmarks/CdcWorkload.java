package dev.sluice.benchmarks;

import dev.sluice.harness.LoadGenerator;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Batched write transactions over the payments schema (customers, cards, payments) for the CDC
 * benchmark: every transaction changes {@code batch} rows with set-based statements — 40 % new
 * payments, 30 % payment status updates, 10 % card updates, 10 % customer updates, 10 % payment
 * deletes. Every update sets {@code updated_at = clock_timestamp()}, so the time of each change is
 * in the row. Each lane owns the customers and cards whose id modulo the lane count is its index
 * and the payments it inserted, so lanes never wait on each other's row locks.
 */
final class CdcWorkload implements LoadGenerator.Lane {

    private final int batch;
    private final Random random;
    private final long[] customers;
    private final long[] cards;
    // payments this lane inserted and has not deleted, oldest first from head
    private long[] payments = new long[1024];
    private int head;
    private int tail;

    private CdcWorkload(int batch, long seed, long[] customers, long[] cards) {
        this.batch = batch;
        this.random = new Random(seed);
        this.customers = customers;
        this.cards = cards;
    }

    /** The lane {@code index} of {@code lanes}, reading its own customers and cards. */
    static CdcWorkload lane(Connection connection, int index, int lanes, int batch, long seed)
            throws SQLException {
        long[] customers = ids(connection, "customers", index, lanes);
        long[] cards = ids(connection, "cards", index, lanes);
        if (customers.length == 0 || cards.length == 0) {
            throw new IllegalStateException(
                    "Workload lane "
                            + index
                            + " of "
                            + lanes
                            + " owns no customer or card: seed more customers than lanes");
        }
        return new CdcWorkload(batch, seed * 31 + index, customers, cards);
    }

    private static long[] ids(Connection connection, String table, int index, int lanes)
            throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement select =
                connection.prepareStatement(
                        "SELECT id FROM " + table + " WHERE id % ? = ? ORDER BY id")) {
            select.setInt(1, lanes);
            select.setInt(2, index);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public int commitOne(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        int inserts = Math.max(1, batch * 4 / 10);
        int paymentUpdates = batch * 3 / 10;
        int cardUpdates = batch / 10;
        int customerUpdates = batch / 10;
        int deletes = batch - inserts - paymentUpdates - cardUpdates - customerUpdates;
        int available = tail - head;
        if (paymentUpdates + deletes > available) {
            // too few own payments yet: insert instead
            inserts += paymentUpdates + deletes;
            paymentUpdates = 0;
            deletes = 0;
        }
        int changes = 0;
        try {
            changes += insertPayments(connection, inserts);
            if (paymentUpdates > 0) {
                int from =
                        head + deletes + random.nextInt(tail - head - deletes - paymentUpdates + 1);
                changes +=
                        update(
                                connection,
                                "UPDATE payments SET status = 'captured', updated_at ="
                                        + " clock_timestamp() WHERE id = ANY(?)",
                                slice(payments, from, paymentUpdates));
            }
            changes +=
                    update(
                            connection,
                            "UPDATE cards SET expiry = to_char(clock_timestamp(), 'MM/YY'),"
                                    + " updated_at = clock_timestamp() WHERE id = ANY(?)",
                            pick(cards, cardUpdates));
            changes +=
                    update(
                            connection,
                            "UPDATE customers SET phone = '+44 20 7946 0' || lpad((random() *"
                                    + " 999)::int::text, 3, '0'), updated_at = clock_timestamp()"
                                    + " WHERE id = ANY(?)",
                            pick(customers, customerUpdates));
            if (deletes > 0) {
                changes +=
                        update(
                                connection,
                                "DELETE FROM payments WHERE id = ANY(?)",
                                slice(payments, head, deletes));
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
        head += deletes;
        return changes;
    }

    private int insertPayments(Connection connection, int count) throws SQLException {
        long[] cardIds = pick(cards, count);
        int inserted = 0;
        try (PreparedStatement insert =
                connection.prepareStatement(
                        "INSERT INTO payments (card_id, amount, currency, status) SELECT c,"
                                + " round((random() * 999 + 1)::numeric, 2), 'EUR', 'authorized'"
                                + " FROM unnest(?::bigint[]) AS c RETURNING id")) {
            insert.setArray(1, array(connection, cardIds));
            try (ResultSet ids = insert.executeQuery()) {
                while (ids.next()) {
                    append(ids.getLong(1));
                    inserted++;
                }
            }
        }
        return inserted;
    }

    private void append(long id) {
        if (tail == payments.length) {
            int live = tail - head;
            long[] grown = live * 2 > payments.length ? new long[payments.length * 2] : payments;
            System.arraycopy(payments, head, grown, 0, live);
            payments = grown;
            head = 0;
            tail = live;
        }
        payments[tail++] = id;
    }

    private static int update(Connection connection, String sql, long[] ids) throws SQLException {
        if (ids.length == 0) {
            return 0;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, array(connection, ids));
            return statement.executeUpdate();
        }
    }

    private long[] pick(long[] from, int count) {
        // distinct ids: a window from a random start, wrapping around
        int n = Math.min(count, from.length);
        long[] picked = new long[n];
        int start = random.nextInt(from.length);
        for (int i = 0; i < n; i++) {
            picked[i] = from[(start + i) % from.length];
        }
        return picked;
    }

    private static long[] slice(long[] from, int start, int count) {
        long[] slice = new long[count];
        System.arraycopy(from, start, slice, 0, count);
        return slice;
    }

    private static Array array(Connection connection, long[] ids) throws SQLException {
        Long[] boxed = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boxed[i] = ids[i];
        }
        return connection.createArrayOf("bigint", boxed);
    }

    /** Inserts {@code rows} payments in one statement (the snapshot stage's table). */
    static void bulkInsertPayments(Connection connection, long rows) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(
                    "INSERT INTO payments (card_id, amount, currency, status) SELECT"
                            + " (SELECT min(id) FROM cards) + (g % (SELECT count(*) FROM cards)),"
                            + " round((random() * 999 + 1)::numeric, 2), 'EUR', 'settled'"
                            + " FROM generate_series(1, "
                            + rows
                            + ") AS g");
        }
    }
}
