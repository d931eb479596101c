package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.demo.PaymentsScenario;
import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.EmbeddedStackExtension;
import dev.sluice.harness.KafkaBroker;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * No change lost or written twice to staging across a failure of the replication connection (the
 * job restarts from its last checkpoint) and across a stop with savepoint and a restart from it,
 * with changes committed while the job was down: staging replayed equals the source tables, column
 * by column.
 */
class IngestExactlyOnceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path savepoints;

    @Test
    void stagingHoldsEveryCommittedChangeOnceAcrossFailoverAndSavepointRestart() throws Exception {
        PaymentsScenario scenario = new PaymentsScenario(STACK.stack(), 11, Duration.ofMillis(500));
        scenario.createSourceDatabase(100);

        JobClient ingest = scenario.startIngest(environment(null));
        await("snapshot in staging", ingest, () -> stagingMatches(scenario));

        traffic(scenario, 300);
        terminateReplicationConnections(scenario);
        traffic(scenario, 300);
        await("staging after failover", ingest, () -> stagingMatches(scenario));
        assertThat(ingest.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

        traffic(scenario, 200);
        String savepoint =
                ingest.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
        traffic(scenario, 300); // committed while no ingest job runs: the slot keeps it
        JobClient resumed = scenario.startIngest(environment(savepoint));
        traffic(scenario, 200);
        await("staging after restart from savepoint", resumed, () -> stagingMatches(scenario));

        assertStagingMirrorsTheSource(scenario);
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            List<KafkaBroker.Record> records = staging(scenario, table);
            Set<String> positions = new HashSet<>();
            for (KafkaBroker.Record record : records) {
                positions.add(position(record.value()));
            }
            assertThat(positions)
                    .as("distinct source positions in %s", table)
                    .hasSize(records.size());
        }
        resumed.cancel().get(30, TimeUnit.SECONDS);
        try (Stream<Path> saved = Files.list(savepoints)) {
            assertThat(saved).isNotEmpty();
        }
    }

    private static StreamExecutionEnvironment environment(String savepoint) {
        Configuration configuration = new Configuration();
        if (savepoint != null) {
            configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setRestartStrategy(RestartStrategies.fixedDelayRestart(5, 1000));
        return env;
    }

    private static void traffic(PaymentsScenario scenario, int transactions) throws Exception {
        try (Connection connection = scenario.connect()) {
            for (int i = 0; i < transactions; i++) {
                scenario.traffic().step(connection);
            }
        }
    }

    /**
     * Kills the walsender of the CDC source, as a network cut or a database restart would. With
     * several snapshot readers Flink CDC starts the stream phase only after a checkpoint completed
     * following the snapshot, so the replication connection may not be open yet: wait for it.
     */
    private static void terminateReplicationConnections(PaymentsScenario scenario)
            throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (Connection connection = scenario.connect();
                Statement statement = connection.createStatement()) {
            while (true) {
                try (ResultSet killed =
                        statement.executeQuery(
                                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_replication")) {
                    killed.next();
                    if (killed.getInt(1) > 0) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "No replication connection to terminate after "
                                    + DEADLINE
                                    + ": the ingest job's stream phase never started");
                }
                TimeUnit.MILLISECONDS.sleep(100); // polling for the stream phase, not pacing
            }
        }
    }

    private static boolean stagingMatches(PaymentsScenario scenario) {
        Map<String, Long> committed = scenario.traffic().rowChangesByTable();
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            if (staging(scenario, table).size() != committed.get(table)) {
                return false;
            }
        }
        return true;
    }

    private static List<KafkaBroker.Record> staging(PaymentsScenario scenario, String table) {
        return STACK.stack()
                .kafka()
                .readCommitted(scenario.stagingTopic(table), Duration.ofSeconds(10));
    }

    /** The source position of a change: its LSN (0 in the snapshot), operation and row key. */
    private static String position(String envelope) {
        try {
            JsonNode change = JSON.readTree(envelope);
            JsonNode row =
                    change.get("op").asText().equals("d")
                            ? change.get("before")
                            : change.get("after");
            return change.get("source").get("lsn").asText()
                    + "/"
                    + change.get("op").asText()
                    + "/"
                    + row.get("id").asText();
        } catch (Exception e) {
            throw new AssertionError("Not a change envelope: " + envelope, e);
        }
    }

    /**
     * Replays each staging topic (last change per key wins, deletes remove) and compares every
     * column of every row with the source table: contents, not just counts.
     */
    private static void assertStagingMirrorsTheSource(PaymentsScenario scenario) throws Exception {
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            Map<String, JsonNode> staged = new TreeMap<>();
            for (KafkaBroker.Record record : staging(scenario, table)) {
                JsonNode change = JSON.readTree(record.value());
                if (change.get("op").asText().equals("d")) {
                    staged.remove(change.get("before").get("id").asText());
                } else {
                    staged.put(change.get("after").get("id").asText(), change.get("after"));
                }
            }
            Map<String, Map<String, String>> source = new TreeMap<>();
            Map<String, Map<String, String>> replayed = new TreeMap<>();
            try (Connection connection = scenario.connect();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
                ResultSetMetaData columns = rows.getMetaData();
                while (rows.next()) {
                    String id = rows.getString("id");
                    Map<String, String> sourceRow = new TreeMap<>();
                    Map<String, String> stagedRow = new TreeMap<>();
                    JsonNode after = staged.get(id);
                    for (int i = 1; i <= columns.getColumnCount(); i++) {
                        String column = columns.getColumnName(i);
                        Object value = rows.getObject(i);
                        sourceRow.put(column, normalized(value));
                        stagedRow.put(
                                column,
                                after == null ? "(missing)" : normalized(value, after.get(column)));
                    }
                    source.put(id, sourceRow);
                    replayed.put(id, stagedRow);
                }
            }
            assertThat(staged.keySet()).as("keys of %s", table).isEqualTo(source.keySet());
            assertThat(replayed).as("rows of %s", table).isEqualTo(source);
        }
    }

    private static String normalized(Object value) {
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant().toString();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    /** A staged JSON value read as the type the source column has. */
    private static String normalized(Object sourceValue, JsonNode staged) {
        if (staged == null || staged.isNull()) {
            return "null";
        }
        if (sourceValue instanceof Timestamp) {
            return Instant.parse(staged.asText()).toString();
        }
        if (sourceValue instanceof BigDecimal) {
            return new BigDecimal(staged.asText()).stripTrailingZeros().toPlainString();
        }
        return staged.asText();
    }

    /** Waits for {@code condition}, failing at once when the job ends instead. */
    private static void await(String what, JobClient job, BooleanSupplier condition)
            throws Exception {
        AwaitWhileRunning.until(what, job, DEADLINE, condition);
    }
}
