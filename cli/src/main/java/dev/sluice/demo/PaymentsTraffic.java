package dev.sluice.demo;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives realistic traffic against the sample payments database: new customers with cards,
 * payments, status updates (several per row), card replacements and deletes, including deletes of
 * rows inserted moments before. Deterministic for a seed; counts every row change it commits.
 *
 * <p>{@link #lanes(int)} splits the traffic for several connections: each lane owns a share of the
 * rows (and the rows it inserts), so lanes never wait on each other's locks; all lanes count into
 * the counters of the traffic they were split from.
 */
public final class PaymentsTraffic {

    private static final String[] FIRST = {
        "Ada",
        "Grace",
        "Alan",
        "Edsger",
        "Barbara",
        "Donald",
        "Frances",
        "Ken",
        "Margaret",
        "Niklaus",
        "Radia",
        "Tim",
        "Shafi",
        "Leslie",
        "Hedy",
        "John"
    };
    private static final String[] LAST = {
        "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
        "Hamilton", "Wirth", "Perlman", "Lee", "Goldwasser", "Lamport", "Lamarr", "Backus"
    };
    private static final String[] COUNTRIES = {"DE", "FR", "GB", "NL", "IE", "ES", "US"};
    private static final String[] CURRENCIES = {"EUR", "EUR", "GBP", "USD"};
    private static final String[] STATUSES = {"authorized", "captured", "settled", "refunded"};

    private static final Pattern TABLE_OF_STATEMENT =
            Pattern.compile("^(?:INSERT INTO|UPDATE|DELETE FROM) (\\w+)");

    private final Random random;
    private final List<Long> customers = new ArrayList<>();
    private final List<Long> cards = new ArrayList<>();
    private final List<Long> payments = new ArrayList<>();
    private final Map<String, AtomicLong> rowChangesByTable;
    private final AtomicLong rowChanges;
    // the changes of the transaction in progress, counted once it commits
    private final Map<String, Long> pending = new TreeMap<>();
    private final long seed;

    public PaymentsTraffic(long seed) {
        this(seed, new ConcurrentSkipListMap<>(), new AtomicLong());
    }

    private PaymentsTraffic(
            long seed, Map<String, AtomicLong> rowChangesByTable, AtomicLong rowChanges) {
        this.seed = seed;
        this.random = new Random(seed);
        this.rowChangesByTable = rowChangesByTable;
        this.rowChanges = rowChanges;
    }

    /** Row changes committed so far (each insert, update or delete of one row counts once). */
    public long rowChanges() {
        return rowChanges.get();
    }

    /**
     * Row changes committed so far per table ({@code customers}, {@code cards}, {@code payments}).
     */
    public Map<String, Long> rowChangesByTable() {
        Map<String, Long> copy = new TreeMap<>();
        rowChangesByTable.forEach((table, count) -> copy.put(table, count.get()));
        return Map.copyOf(copy);
    }

    /**
     * Splits the rows known so far into {@code count} lanes, one per connection, each with its own
     * random sequence (deterministic for the seed) and its own share of the rows; they count into
     * this traffic's counters. Do not call {@link #step} on this traffic while its lanes run.
     */
    public List<PaymentsTraffic> lanes(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("lanes: count must be at least 1, was " + count);
        }
        List<PaymentsTraffic> lanes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PaymentsTraffic lane =
                    new PaymentsTraffic(seed * 31 + i + 1, rowChangesByTable, rowChanges);
            share(customers, lane.customers, i, count);
            share(cards, lane.cards, i, count);
            share(payments, lane.payments, i, count);
            lanes.add(lane);
        }
        return lanes;
    }

    private static void share(List<Long> all, List<Long> lane, int index, int count) {
        for (int i = index; i < all.size(); i += count) {
            lane.add(all.get(i));
        }
    }

    /** Inserts the initial rows: customers, one or two cards each, a few payments per card. */
    public int seed(Connection connection, int customerCount) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        pending.clear();
        try {
            for (int i = 0; i < customerCount; i++) {
                long customer = insertCustomer(connection);
                for (int c = 0; c < 1 + random.nextInt(2); c++) {
                    long card = insertCard(connection, customer);
                    for (int p = 0; p < 1 + random.nextInt(3); p++) {
                        insertPayment(connection, card);
                    }
                }
            }
            connection.commit();
            return publishPending();
        } finally {
            pending.clear();
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * Commits one transaction of a few random operations and returns the number of row changes it
     * made.
     */
    public int step(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        pending.clear();
        try {
            int operations = 1 + random.nextInt(4);
            for (int i = 0; i < operations; i++) {
                operation(connection);
            }
            connection.commit();
            return publishPending();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            pending.clear();
            connection.setAutoCommit(autoCommit);
        }
    }

    private int publishPending() {
        int total = 0;
        for (Map.Entry<String, Long> table : pending.entrySet()) {
            rowChangesByTable
                    .computeIfAbsent(table.getKey(), name -> new AtomicLong())
                    .addAndGet(table.getValue());
            total += table.getValue();
        }
        rowChanges.addAndGet(total);
        return total;
    }

    private void operation(Connection connection) throws SQLException {
        if (cards.isEmpty()) {
            // a lane that got no card of the seed starts with a new customer and card
            insertCard(connection, insertCustomer(connection));
            return;
        }
        int dice = random.nextInt(100);
        if (dice < 35 || payments.isEmpty()) {
            insertPayment(connection, pick(cards));
        } else if (dice < 65) {
            updatePaymentStatus(connection, pick(payments));
        } else if (dice < 72) {
            long customer = insertCustomer(connection);
            insertCard(connection, customer);
        } else if (dice < 80) {
            updateCustomerContact(connection, pick(customers));
        } else if (dice < 86) {
            replaceCard(connection, pick(cards));
        } else if (dice < 93) {
            // a payment voided right after it was made: an insert and its delete in one stream
            long payment = insertPayment(connection, pick(cards));
            delete(connection, "payments", payment, payments);
        } else {
            delete(connection, "payments", pick(payments), payments);
        }
    }

    private long pick(List<Long> ids) {
        return ids.get(random.nextInt(ids.size()));
    }

    private long insertCustomer(Connection connection) throws SQLException {
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        long id =
                insert(
                        connection,
                        "INSERT INTO customers (name, email, phone, country) VALUES (?, ?, ?, ?)",
                        first + " " + last,
                        email(first, last),
                        phone(),
                        COUNTRIES[random.nextInt(COUNTRIES.length)]);
        customers.add(id);
        return id;
    }

    private long insertCard(Connection connection, long customer) throws SQLException {
        boolean visa = random.nextBoolean();
        long id =
                insert(
                        connection,
                        "INSERT INTO cards (customer_id, card_number, brand, expiry) VALUES (?, ?, ?, ?)",
                        customer,
                        cardNumber(visa ? "4" : "5" + (1 + random.nextInt(5))),
                        visa ? "visa" : "mastercard",
                        String.format("%02d/%02d", 1 + random.nextInt(12), 27 + random.nextInt(5)));
        cards.add(id);
        return id;
    }

    private long insertPayment(Connection connection, long card) throws SQLException {
        long id =
                insert(
                        connection,
                        "INSERT INTO payments (card_id, amount, currency, status) VALUES (?, ?, ?, ?)",
                        card,
                        BigDecimal.valueOf(100 + random.nextInt(99_900), 2),
                        CURRENCIES[random.nextInt(CURRENCIES.length)],
                        STATUSES[0]);
        payments.add(id);
        return id;
    }

    private void updatePaymentStatus(Connection connection, long payment) throws SQLException {
        update(
                connection,
                "UPDATE payments SET status = ?, updated_at = clock_timestamp() WHERE id = ?",
                STATUSES[1 + random.nextInt(STATUSES.length - 1)],
                payment);
    }

    private void updateCustomerContact(Connection connection, long customer) throws SQLException {
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        update(
                connection,
                "UPDATE customers SET email = ?, phone = ?, updated_at = clock_timestamp() WHERE id = ?",
                email(first, last),
                phone(),
                customer);
    }

    private void replaceCard(Connection connection, long card) throws SQLException {
        update(
                connection,
                "UPDATE cards SET card_number = ?, expiry = ?, updated_at = clock_timestamp() WHERE id = ?",
                cardNumber("4"),
                String.format("%02d/%02d", 1 + random.nextInt(12), 30 + random.nextInt(3)),
                card);
    }

    private void delete(Connection connection, String table, long id, List<Long> ids)
            throws SQLException {
        update(connection, "DELETE FROM " + table + " WHERE id = ?", id);
        ids.remove(id);
    }

    private long insert(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(statement, values);
            statement.executeUpdate();
            count(sql, 1);
            try (ResultSet keys = statement.getGeneratedKeys()) {
                keys.next();
                // the first column: PostgreSQL returns the row (id first), MySQL the key alone
                return keys.getLong(1);
            }
        }
    }

    private void update(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, values);
            count(sql, statement.executeUpdate());
        }
    }

    private void count(String sql, int rows) {
        Matcher table = TABLE_OF_STATEMENT.matcher(sql);
        if (!table.find()) {
            throw new IllegalStateException("No table in " + sql);
        }
        pending.merge(table.group(1), (long) rows, Long::sum);
    }

    private static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            statement.setObject(i + 1, values[i]);
        }
    }

    private String email(String first, String last) {
        return (first + "." + last + random.nextInt(1000) + "@example.com").toLowerCase();
    }

    private String phone() {
        // fictional UK drama range 020 7946 0xxx
        return String.format("+44 20 7946 0%03d", random.nextInt(1000));
    }

    /** A 16-digit number with a valid Luhn check digit. */
    private String cardNumber(String prefix) {
        StringBuilder digits = new StringBuilder(prefix);
        while (digits.length() < 15) {
            digits.append(random.nextInt(10));
        }
        int sum = 0;
        for (int i = digits.length() - 1, position = 0; i >= 0; i--, position++) {
            int digit = digits.charAt(i) - '0';
            if (position % 2 == 0) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return digits.append((10 - sum % 10) % 10).toString();
    }
}
