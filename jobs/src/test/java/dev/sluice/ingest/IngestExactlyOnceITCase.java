package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.demo.PaymentsScenario;
import dev.sluice.harness.EmbeddedStackExtension;
import dev.sluice.harness.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
 * with changes committed while the job was down.
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
        assertThat(Files.list(savepoints)).isNotEmpty();
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

    /** Kills the walsender of the CDC source, as a network cut or a database restart would. */
    private static void terminateReplicationConnections(PaymentsScenario scenario)
            throws Exception {
        try (Connection connection = scenario.connect();
                Statement statement = connection.createStatement();
                ResultSet killed =
                        statement.executeQuery(
                                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_replication")) {
            killed.next();
            assertThat(killed.getInt(1)).as("replication connections terminated").isPositive();
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

    private static void await(String what, JobClient job, BooleanSupplier condition)
            throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
                throw new AssertionError("Job ended (" + status + ") before: " + what);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + DEADLINE + " waiting for: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }
}
