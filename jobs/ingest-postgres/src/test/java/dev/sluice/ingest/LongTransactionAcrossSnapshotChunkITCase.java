package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A transaction that changes rows before the incremental snapshot starts and commits only after the
 * chunk holding those rows has been read. Its changes sit in the WAL before every chunk's low
 * watermark, and pgoutput sends them at the commit, after that chunk's {@code SELECT} (which did
 * not see them) and its high watermark; Flink CDC's stream filter compares a change's own LSN, not
 * its commit's, with the chunk's high watermark. The last staged change of every key must still
 * equal the source row.
 *
 * <p>The replication slot exists before the transaction begins (as after an earlier run), so the
 * job's own slot creation does not wait for the transaction. With the backfill on, the first
 * chunk's temporary slot creation then waits for the open transaction (a new logical slot waits for
 * the transactions running when it is created), so no chunk is read before the commit; with the
 * backfill skipped the snapshot runs past the changed chunk while the transaction stays open. Each
 * case records which of the two happened and asserts the one expected.
 */
class LongTransactionAcrossSnapshotChunkITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 14_000;
    private static final int SPLIT_SIZE = 1_000;

    /** Keys in chunk 8 ([8001, 9001)): committed after that chunk's SELECT when it is read. */
    private static final String LATE_CHANGES =
            "UPDATE accounts SET balance = -1, version = 7, note = 'late tx' WHERE id = 8500;"
                    + "UPDATE accounts SET balance = balance + 3, version = 7 WHERE id BETWEEN 8100"
                    + " AND 8150;"
                    + "INSERT INTO accounts VALUES (8600, 86, 7, 'late tx insert');"
                    + "DELETE FROM accounts WHERE id = 8700";

    /** Keys in the last chunk ([13001, 14001)), not read yet when the transactions commit. */
    private static final String AHEAD_CHANGES =
            "UPDATE accounts SET balance = -2, version = 9, note = 'ahead tx' WHERE id = 13500;"
                    + "INSERT INTO accounts VALUES (13600, 136, 9, 'ahead tx insert');"
                    + "DELETE FROM accounts WHERE id = 13700";

    private static Admin admin;

    @BeforeAll
    static void openAdmin() {
        admin = KAFKA.broker().admin();
    }

    @AfterAll
    static void closeAdmin() {
        admin.close();
    }

    @Test
    void backfillOnParallelism1() throws Exception {
        run("longtx_b1", false, 1);
    }

    @Test
    void backfillSkippedParallelism1() throws Exception {
        run("longtx_s1", true, 1);
    }

    @Test
    void backfillOnParallelism2() throws Exception {
        run("longtx_b2", false, 2);
    }

    @Test
    void backfillSkippedParallelism2() throws Exception {
        run("longtx_s2", true, 2);
    }

    private void run(String database, boolean skipBackfill, int parallelism) throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase(database);
        try (Connection c = postgres.connect(database);
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE accounts (id bigint PRIMARY KEY, balance bigint NOT NULL,"
                            + " version int NOT NULL, note text)");
            s.execute("ALTER TABLE accounts REPLICA IDENTITY FULL");
            s.execute(
                    "INSERT INTO accounts SELECT g, g * 10, 0, 'row ' || g"
                            + " FROM generate_series(1, "
                            + ROWS
                            + ") g WHERE g NOT IN (8600, 13600)");
        }
        IngestConfig config = config(postgres, database, skipBackfill, parallelism);
        IngestPreflight.prepare(config);
        String topic = config.topicFor("public", "accounts");
        try (Connection c = postgres.connect(database);
                Statement s = c.createStatement()) {
            s.execute(
                    "SELECT pg_create_logical_replication_slot('"
                            + config.slotName()
                            + "', 'pgoutput')");
        }

        Set<Long> untouched = new HashSet<>(sourceRows(postgres, database).keySet());
        untouched.removeAll(Set.of(8500L, 8700L, 13500L, 13700L));
        untouched.removeIf(id -> id >= 8100 && id <= 8150);
        try (Connection late = postgres.connect(database);
                Connection ahead = postgres.connect(database)) {
            long lateXid = openTransaction(late, LATE_CHANGES);
            long aheadXid = openTransaction(ahead, AHEAD_CHANGES);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            IngestJob.addTo(env, config);
            long t0 = System.nanoTime();
            JobClient job = env.executeAsync("ingest, long transaction " + database);
            try {
                // either the snapshot has staged rows past chunk 8 (>= 10,000 offsets: at most a
                // few dozen of them are transaction markers), or a slot creation waits for one of
                // the open transactions
                boolean[] waited = new boolean[1];
                AwaitWhileRunning.until(
                        "chunk 8 read, or a slot creation waiting for the open transactions",
                        job,
                        DEADLINE,
                        () -> {
                            waited[0] = waitsFor(postgres, database, lateXid, aheadXid);
                            return waited[0] || committedEnd(topic) >= 10_000;
                        });
                long stagedAtCommit = committedEnd(topic);
                late.commit();
                ahead.commit();
                long t1 = System.nanoTime();
                if (skipBackfill) {
                    assertThat(waited[0])
                            .as("a slot creation waited for the transactions")
                            .isFalse();
                    assertThat(stagedAtCommit).isGreaterThanOrEqualTo(10_000);
                } else {
                    assertThat(waited[0])
                            .as("the first chunk's backfill slot waits for the open transactions")
                            .isTrue();
                    assertThat(stagedAtCommit).as("staged before the commit").isZero();
                }

                // every chunk holds keys the transactions did not touch: once they are all staged,
                // every chunk has been read, and a change committed then reaches staging through
                // the stream after both transactions
                AwaitWhileRunning.until(
                        "every chunk of " + topic,
                        job,
                        DEADLINE,
                        () -> lastStaged(topic).keySet().containsAll(untouched));
                try (Connection c = postgres.connect(database);
                        Statement s = c.createStatement()) {
                    s.execute("UPDATE accounts SET note = 'marker' WHERE id = 1");
                }
                AwaitWhileRunning.until(
                        "the marker change in " + topic,
                        job,
                        DEADLINE,
                        () -> "10|0|marker".equals(lastStaged(topic).get(1L)));
                Map<Long, String> source = sourceRows(postgres, database);
                Map<Long, String> staged = lastStaged(topic);
                assertThat(source)
                        .containsEntry(8500L, "-1|7|late tx")
                        .containsEntry(8600L, "86|7|late tx insert")
                        .containsEntry(13500L, "-2|9|ahead tx")
                        .doesNotContainKey(8700L)
                        .doesNotContainKey(13700L);
                assertThat(diff(source, staged)).as("source rows the staging differs on").isEmpty();
                System.out.printf(
                        "%s (backfill %s, parallelism %d): slot creation waited %s, %d offsets"
                                + " staged when the transactions committed (%.1f s after the"
                                + " start), staging equal to the source %.1f s after the commit%n",
                        database,
                        skipBackfill ? "skipped" : "on",
                        parallelism,
                        waited[0],
                        stagedAtCommit,
                        (t1 - t0) / 1e9,
                        (System.nanoTime() - t1) / 1e9);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Runs {@code sql} in a transaction left open; returns its transaction id. */
    private static long openTransaction(Connection connection, String sql) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            for (String statement : sql.split(";")) {
                s.execute(statement);
            }
            try (ResultSet r = s.executeQuery("SELECT txid_current()")) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Whether a session waits for the lock of one of the two transactions. */
    private static boolean waitsFor(PostgresServer postgres, String database, long a, long b) {
        try (Connection c = postgres.connect(database);
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid'"
                                        + " AND NOT granted AND transactionid::text IN (?, ?)")) {
            s.setString(1, Long.toString(a));
            s.setString(2, Long.toString(b));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading pg_locks", e);
        }
    }

    private static Map<Long, String> diff(Map<Long, String> source, Map<Long, String> staged) {
        Map<Long, String> differs = new HashMap<>();
        source.forEach(
                (id, row) -> {
                    if (!row.equals(staged.get(id))) {
                        differs.put(id, "source " + row + ", staged " + staged.get(id));
                    }
                });
        staged.forEach(
                (id, row) -> {
                    if (!source.containsKey(id)) {
                        differs.put(id, "source deleted, staged " + row);
                    }
                });
        return differs;
    }

    private static Map<Long, String> sourceRows(PostgresServer postgres, String database)
            throws Exception {
        Map<Long, String> rows = new HashMap<>();
        try (Connection c = postgres.connect(database);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT id, balance, version, note FROM accounts")) {
            while (r.next()) {
                rows.put(r.getLong(1), r.getLong(2) + "|" + r.getInt(3) + "|" + r.getString(4));
            }
        }
        return rows;
    }

    /**
     * The row of the last committed change per key, keys whose last change is a delete left out.
     */
    private static Map<Long, String> lastStaged(String topic) {
        AtomicReference<Map<Long, String>> rows = new AtomicReference<>(new HashMap<>());
        try {
            for (KafkaBroker.Record r : KAFKA.broker().readCommitted(topic, DEADLINE)) {
                if (r.value() == null) {
                    continue;
                }
                JsonNode event = JSON.readTree(r.value());
                if ("d".equals(event.get("op").asText())) {
                    rows.get().remove(event.get("before").get("id").asLong());
                } else {
                    JsonNode after = event.get("after");
                    rows.get().put(after.get("id").asLong(), row(after));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading " + topic, e);
        }
        return rows.get();
    }

    private static String row(JsonNode row) {
        JsonNode note = row.get("note");
        return row.get("balance").asLong()
                + "|"
                + row.get("version").asInt()
                + "|"
                + (note.isNull() ? null : note.asText());
    }

    /** The read_committed end offset of the topic's one partition (0 before it exists). */
    private static long committedEnd(String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        ListOffsetsResult offsets =
                admin.listOffsets(
                        Map.of(partition, OffsetSpec.latest()),
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED));
        try {
            return offsets.partitionResult(partition).get(10, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            return 0;
        }
    }

    private static IngestConfig config(
            PostgresServer postgres, String database, boolean skipBackfill, int parallelism) {
        Configuration options = new Configuration();
        options.set(IngestOptions.POSTGRES_HOSTNAME, postgres.host());
        options.set(IngestOptions.POSTGRES_PORT, postgres.port());
        options.set(IngestOptions.POSTGRES_DATABASE, database);
        options.set(IngestOptions.POSTGRES_USERNAME, postgres.username());
        options.set(IngestOptions.TABLES, List.of("public.accounts"));
        options.set(IngestOptions.SLOT_NAME, database + "_slot");
        options.set(IngestOptions.KAFKA_BOOTSTRAP_SERVERS, KAFKA.broker().bootstrapServers());
        options.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        options.set(IngestOptions.SNAPSHOT_SPLIT_SIZE, SPLIT_SIZE);
        options.set(IngestOptions.SNAPSHOT_BACKFILL_SKIP, skipBackfill);
        options.set(IngestOptions.SOURCE_PARALLELISM, parallelism);
        return IngestConfig.from(options);
    }
}
