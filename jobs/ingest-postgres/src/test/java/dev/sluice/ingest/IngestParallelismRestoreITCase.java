package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.LoadGenerator;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A savepoint the ingest job takes with one snapshot reader, in the middle of the snapshot while
 * rows change, restores with two readers (the default): staging then holds every change of every
 * key once and in order (each update's before image is the row staged last for its key), and the
 * last staged row per key equals the table.
 */
class IngestParallelismRestoreITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    // synchronous_commit off (the harness default, for speed) lets a commit be visible before
    // its WAL is written, so pg_current_wal_lsn(), which Flink CDC takes as a chunk's high
    // watermark, can be below a change the chunk's SELECT already saw: the stream then stages
    // that change again (docs/ingest.md, Snapshot readers). Production servers run it on.
    @RegisterExtension
    static final PostgresExtension POSTGRES =
            new PostgresExtension(Map.of("synchronous_commit", "on"));

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Duration DEADLINE = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 8_000;
    private static final int SPLIT_SIZE = 500;

    @TempDir static Path savepoints;

    @Test
    void savepointAtOneReaderRestoresAtTwoWithEveryChangeStagedOnce() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("bank");
        try (Connection c = postgres.connect("bank");
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE accounts (id bigint PRIMARY KEY, balance bigint NOT NULL,"
                            + " version int NOT NULL)");
            s.execute("ALTER TABLE accounts REPLICA IDENTITY FULL");
            s.execute(
                    "INSERT INTO accounts SELECT g, g * 10, 0 FROM generate_series(1, "
                            + ROWS
                            + ") g");
        }
        IngestConfig one = config(postgres, 1);
        IngestPreflight.prepare(one);
        String topic = one.topicFor("public", "accounts");

        JobClient first = start(one, null);
        LoadGenerator writer = null;
        JobClient resumed = null;
        try {
            AwaitWhileRunning.until(
                    "two snapshot chunks committed in " + topic,
                    first,
                    DEADLINE,
                    () -> KAFKA.broker().readCommitted(topic, DEADLINE).size() >= 2 * SPLIT_SIZE);
            writer =
                    LoadGenerator.start(
                            new LoadGenerator.Settings(1, 100, Duration.ofMinutes(6)),
                            () -> postgres.connect("bank"),
                            lane -> writes());
            Path dir = Files.createDirectories(savepoints.resolve("p1"));
            String savepoint =
                    first.stopWithSavepoint(
                                    false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get(3, TimeUnit.MINUTES);
            long snapshotRowsAtStop = count(topic, "r");
            // the savepoint must fall inside the snapshot for the restore to hand the remaining
            // chunks to two readers
            assertThat(snapshotRowsAtStop).isLessThan(ROWS);
            // nor had the stream begun: the resumed job stages updates only from its stream,
            // after the last chunk
            assertThat(count(topic, "u")).isZero();

            IngestConfig two = config(postgres, 2);
            assertThat(two.sourceParallelism()).as("the default").isEqualTo(2);
            resumed = start(two, savepoint);
            JobClient job = resumed;
            AwaitWhileRunning.until(
                    "stream changes after the snapshot in " + topic,
                    job,
                    DEADLINE,
                    () -> count(topic, "u") >= 100);
            writer.stop();
            LoadGenerator.Result written = writer.result();

            Map<Long, String> source = sourceRows(postgres);
            AtomicReference<Fold> staged = new AtomicReference<>();
            AwaitWhileRunning.until(
                    "the last staged row per key equals the table",
                    job,
                    DEADLINE,
                    () -> {
                        staged.set(fold(topic));
                        return staged.get().rows().equals(source);
                    });
            assertThat(staged.get().broken())
                    .as("changes not following the row staged last for their key")
                    .isEmpty();
            assertThat(staged.get().rows()).isEqualTo(source);
            System.out.printf(
                    "savepoint after %d of %d snapshot rows; %d row changes written; %d staged"
                            + " records%n",
                    snapshotRowsAtStop, ROWS, written.rowChanges(), staged.get().records());
        } finally {
            if (writer != null) {
                writer.close();
            }
            if (resumed != null) {
                resumed.cancel().get(30, TimeUnit.SECONDS);
            } else if (!first.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                first.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static JobClient start(IngestConfig config, String savepoint) throws Exception {
        Configuration configuration = new Configuration();
        if (savepoint != null) {
            configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        IngestJob.addTo(env, config);
        return env.executeAsync(IngestJob.jobName(config));
    }

    /** One autocommit statement per transaction: one-row and 10-row updates, deletes, new keys. */
    private static LoadGenerator.Lane writes() {
        Random random = new Random(1402);
        long[] nextId = {ROWS + 1};
        return connection -> {
            long id = 1 + random.nextInt(ROWS);
            int choice = random.nextInt(10);
            String sql;
            if (choice < 6) {
                sql =
                        "UPDATE accounts SET balance = balance + 1, version = version + 1"
                                + " WHERE id = "
                                + id;
            } else if (choice < 8) {
                sql =
                        "UPDATE accounts SET balance = balance - 3, version = version + 1"
                                + " WHERE id BETWEEN "
                                + id
                                + " AND "
                                + (id + 9);
            } else if (choice < 9) {
                sql = "DELETE FROM accounts WHERE id = " + id;
            } else {
                sql = "INSERT INTO accounts VALUES (" + nextId[0]++ + ", 5, 0)";
            }
            try (Statement s = connection.createStatement()) {
                return s.executeUpdate(sql);
            }
        };
    }

    private static Map<Long, String> sourceRows(PostgresServer postgres) throws Exception {
        Map<Long, String> rows = new HashMap<>();
        try (Connection c = postgres.connect("bank");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT id, balance, version FROM accounts")) {
            while (r.next()) {
                rows.put(r.getLong(1), r.getLong(2) + "|" + r.getInt(3));
            }
        }
        return rows;
    }

    /** The committed changes of {@code topic} with operation {@code op}. */
    private static long count(String topic, String op) {
        long n = 0;
        try {
            for (KafkaBroker.Record r : KAFKA.broker().readCommitted(topic, DEADLINE)) {
                if (r.value() != null && op.equals(JSON.readTree(r.value()).get("op").asText())) {
                    n++;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading " + topic, e);
        }
        return n;
    }

    /** The last staged row per live key, and the changes that broke a key's chain. */
    private record Fold(Map<Long, String> rows, List<String> broken, int records) {}

    /**
     * Folds the committed changes: a key starts with a snapshot row or an insert, every update and
     * delete must carry the row staged last for its key as its before image (a lost change breaks
     * that, and so does one staged twice: its version repeats), and nothing follows a delete.
     */
    private static Fold fold(String topic) {
        Map<Long, String> rows = new HashMap<>();
        Set<Long> deleted = new HashSet<>();
        List<String> broken = new ArrayList<>();
        int records = 0;
        try {
            for (KafkaBroker.Record r : KAFKA.broker().readCommitted(topic, DEADLINE)) {
                if (r.value() == null) {
                    continue;
                }
                records++;
                JsonNode event = JSON.readTree(r.value());
                String op = event.get("op").asText();
                JsonNode before = event.get("before");
                JsonNode after = event.get("after");
                long id = ("d".equals(op) ? before : after).get("id").asLong();
                String last = rows.get(id);
                if (deleted.contains(id)) {
                    broken.add(op + " after delete of " + id + " at offset " + r.offset());
                } else if ("r".equals(op) || "c".equals(op)) {
                    if (last != null) {
                        broken.add(op + " of " + id + " staged again at offset " + r.offset());
                    }
                } else if (last == null || !last.equals(row(before))) {
                    broken.add(
                            op
                                    + " of "
                                    + id
                                    + " at offset "
                                    + r.offset()
                                    + ": before "
                                    + row(before)
                                    + ", staged last "
                                    + last);
                }
                if ("d".equals(op)) {
                    rows.remove(id);
                    deleted.add(id);
                } else {
                    rows.put(id, row(after));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading " + topic, e);
        }
        return new Fold(rows, broken, records);
    }

    private static String row(JsonNode row) {
        return row.get("balance").asLong() + "|" + row.get("version").asInt();
    }

    private static IngestConfig config(PostgresServer postgres, int readers) {
        Configuration options = new Configuration();
        options.set(IngestOptions.POSTGRES_HOSTNAME, postgres.host());
        options.set(IngestOptions.POSTGRES_PORT, postgres.port());
        options.set(IngestOptions.POSTGRES_DATABASE, "bank");
        options.set(IngestOptions.POSTGRES_USERNAME, postgres.username());
        options.set(IngestOptions.TABLES, List.of("public.accounts"));
        options.set(IngestOptions.SLOT_NAME, "readers_restore_slot");
        options.set(IngestOptions.KAFKA_BOOTSTRAP_SERVERS, KAFKA.broker().bootstrapServers());
        options.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        options.set(IngestOptions.SNAPSHOT_SPLIT_SIZE, SPLIT_SIZE);
        if (readers == 1) {
            options.set(IngestOptions.SOURCE_PARALLELISM, 1);
        }
        return IngestConfig.from(options);
    }
}
