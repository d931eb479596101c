package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.connectors.deadletter.DeadLetterSender;
import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Poison records never stop a pipeline: a staging record that is not JSON, one with an invalid
 * timestamp, one larger than max-row-bytes ({@code sluice-debezium-json}), and rows the JDBC target
 * would refuse — a string longer than its varchar(10), a number beyond its numeric(5, 2), a null in
 * a NOT NULL column, a timestamp beyond PostgreSQL's range ({@code sluice-jdbc}) — each land in the
 * dead-letter topic with the reason and a pseudonymized key, never a value; the good rows around
 * them are written and the job keeps running (no restarts allowed).
 */
class PoisonRecordsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final String TOPIC = "staging.crm.public.people";
    private static final String DEAD_LETTER = "pipelines.dead-letter";
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Any variable the test JVM (and so the MiniCluster's TaskManager) has: the HMAC secret. */
    private static final String SECRET_ENV = "HOME";

    private static final String LONG_NAME = "Bartholomew Zebedee";

    @Test
    void poisonRecordsLandInDeadLetterAndThePipelineRuns() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("crm");
        try (Connection connection = postgres.connect("crm");
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE people (id BIGINT PRIMARY KEY, name VARCHAR(10) NOT NULL,"
                            + " score NUMERIC(5, 2), seen TIMESTAMP)");
        }
        KAFKA.broker().createTopics(1, TOPIC, DEAD_LETTER);
        produce(
                change(1, "'Ann'", "12.50", "'2024-01-01T10:00:00'"),
                change(2, "'" + LONG_NAME + "'", "1.00", "null"), // too long for varchar(10)
                change(3, "'Cy'", "12345.67", "null"), // beyond numeric(5, 2)
                change(4, "null", "1.00", "null"), // NOT NULL
                "{not json at all",
                change(6, "'Di'", "1.00", "'2024-13-45T25:61:00'"), // no such timestamp
                change(7, "'" + "x".repeat(5_000) + "'", "1.00", "null"), // oversized
                change(8, "'Ed'", "2.00", "'2024-02-29T23:59:59'"),
                change(9, "'Flo'", "3.00", "'+300000-01-01T00:00:00'"), // beyond PostgreSQL
                change(10, "'Gus'", "4.00", "null"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRestartStrategy(RestartStrategies.noRestart());
        env.enableCheckpointing(1_000);
        env.getConfig().enableObjectReuse();
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        String deadLetter =
                "'dead-letter.topic' = '"
                        + DEAD_LETTER
                        + "', 'dead-letter.bootstrap-servers' = '"
                        + KAFKA.broker().bootstrapServers()
                        + "', 'dead-letter.key-secret-env' = '"
                        + SECRET_ENV
                        + "'";
        tables.executeSql(
                "CREATE TABLE staging_people (id BIGINT, name STRING, score DECIMAL(10, 2),"
                        + " seen TIMESTAMP(3), PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + " 'connector' = 'kafka', 'topic' = '"
                        + TOPIC
                        + "', 'properties.bootstrap.servers' = '"
                        + KAFKA.broker().bootstrapServers()
                        + "', 'scan.startup.mode' = 'earliest-offset',"
                        + " 'format' = 'sluice-debezium-json',"
                        + " 'sluice-debezium-json.timestamp-format.standard' = 'ISO-8601',"
                        + " 'sluice-debezium-json.max-row-bytes' = '2048', "
                        + deadLetter.replace("'dead-letter.", "'sluice-debezium-json.dead-letter.")
                        + ")");
        tables.executeSql(
                "CREATE TABLE crm_people (id BIGINT, name STRING, score DECIMAL(10, 2),"
                        + " seen TIMESTAMP(3), PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + " 'connector' = 'sluice-jdbc', 'url' = '"
                        + postgres.jdbcUrl("crm")
                        + "', 'table-name' = 'people', 'username' = '"
                        + postgres.username()
                        + "', 'password' = '"
                        + postgres.password()
                        + "', 'sink.buffer-flush.interval' = '200 ms', "
                        + deadLetter
                        + ")");
        JobClient job =
                tables.executeSql("INSERT INTO crm_people SELECT * FROM staging_people")
                        .getJobClient()
                        .orElseThrow();
        try {
            AwaitWhileRunning.until(
                    "the good rows in PostgreSQL and 7 dead letters",
                    job,
                    DEADLINE,
                    () -> done(postgres));
            assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        Map<String, JsonNode> byReason = new TreeMap<>();
        for (KafkaBroker.Record letter : letters()) {
            JsonNode json = JSON.readTree(letter.value());
            assertThat(json.get("outcome").asText()).isEqualTo("not_written");
            byReason.put(json.get("stage").asText() + " " + json.get("reason").asText(), json);
            // never a value: not the long name, the number, the broken JSON nor the timestamps
            assertThat(letter.value())
                    .doesNotContain(
                            LONG_NAME, "12345", "not json", "2024-13-45", "300000-01", "xxxx");
        }
        assertThat(byReason.keySet())
                .hasSize(7)
                .anyMatch(r -> r.startsWith("sink too long: column name is varchar(10)"))
                .anyMatch(r -> r.startsWith("sink out of range: column score is numeric(5, 2)"))
                .anyMatch(r -> r.startsWith("sink null in NOT NULL column name"))
                .anyMatch(r -> r.startsWith("sink bad timestamp: column seen"))
                .anyMatch(r -> r.startsWith("decode undecodable: ") && r.contains("line 1 column"))
                .anyMatch(
                        r ->
                                r.startsWith("decode undecodable: ")
                                        && r.contains("date or timestamp"))
                .anyMatch(r -> r.startsWith("decode oversized: the staging record has"));
        JsonNode tooLong =
                byReason.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("sink too long"))
                        .findFirst()
                        .orElseThrow()
                        .getValue();
        assertThat(tooLong.get("key_shown").asText()).isEqualTo("pseudonymized");
        assertThat(tooLong.get("key").get("id").asText())
                .isEqualTo(
                        DeadLetterSender.pseudonym(
                                System.getenv(SECRET_ENV).getBytes(StandardCharsets.UTF_8),
                                tooLong.get("table").asText(),
                                "id",
                                "2"));
        assertThat(rows(postgres).get(1L)).isEqualTo("Ann 12.50 2024-01-01 10:00:00.0");
    }

    private static boolean done(PostgresServer postgres) {
        try {
            return ids(postgres).equals(new TreeSet<>(List.of(1L, 8L, 10L)))
                    && letters().size() >= 7;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<KafkaBroker.Record> letters() {
        return KAFKA.broker().readCommitted(DEAD_LETTER, Duration.ofSeconds(10));
    }

    private static TreeSet<Long> ids(PostgresServer postgres) throws Exception {
        return new TreeSet<>(rows(postgres).keySet());
    }

    private static Map<Long, String> rows(PostgresServer postgres) throws Exception {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection connection = postgres.connect("crm");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT * FROM people")) {
            while (result.next()) {
                rows.put(
                        result.getLong("id"),
                        result.getString("name")
                                + " "
                                + result.getBigDecimal("score")
                                + " "
                                + result.getTimestamp("seen"));
            }
        }
        return rows;
    }

    /** A Debezium insert event; values are JSON literals written with single quotes. */
    private static String change(long id, String name, String score, String seen) {
        return ("{'before': null, 'after': {'id': "
                        + id
                        + ", 'name': "
                        + name
                        + ", 'score': '"
                        + score
                        + "', 'seen': "
                        + seen
                        + "}, 'op': 'c'}")
                .replace('\'', '"');
    }

    private static void produce(String... values) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2097152");
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (String value : values) {
            records.add(new ProducerRecord<>(TOPIC, value));
        }
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
            for (ProducerRecord<String, String> record : records) {
                producer.send(record).get();
            }
        }
    }
}
