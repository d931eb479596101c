package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import dev.sluice.policy.mask.HiveMasker;
import dev.sluice.policy.mask.MaskHash;
import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.sql.Variables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Egress to a JDBC database: a staging changelog (inserts, repeated updates, deletes) through a
 * masking pipeline into a PostgreSQL table by upsert and delete. Runs as Sluice runs pipelines,
 * with object reuse on, so the JDBC sink's buffer of pending rows must hold copies: with shared row
 * objects every buffered row would end up as the last one.
 */
class JdbcEgressITCase {

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
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void changelogLandsMaskedByUpsertAndDelete(
            @TempDir Path dir, @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("crm");
        try (Connection connection = postgres.connect("crm");
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE people (id BIGINT PRIMARY KEY, name TEXT, phone TEXT,"
                            + " email_hash TEXT)");
        }
        KAFKA.broker().createTopics(1, TOPIC);
        Map<Long, Person> expected = produceChangelog();

        Path catalog = dir.resolve("10_staging.sql");
        Files.writeString(
                catalog,
                "CREATE TABLE staging_people (id BIGINT, name STRING, phone STRING, email STRING,\n"
                        + "  PRIMARY KEY (id) NOT ENFORCED) WITH (\n"
                        + "  'connector' = 'kafka', 'topic' = '"
                        + TOPIC
                        + "',\n"
                        + "  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',\n"
                        + "  'scan.startup.mode' = 'earliest-offset', 'format' = 'debezium-json');\n");
        Path pipeline = dir.resolve("people_to_crm.sql");
        Files.writeString(
                pipeline,
                "-- @owner growth\n"
                        + "-- @description People into the CRM database, masked\n"
                        + "-- @checkpoint-interval 1 s\n"
                        + "LOAD MODULE sluice;\n"
                        + "CREATE TEMPORARY TABLE crm_people (id BIGINT, name STRING, phone STRING,\n"
                        + "  email_hash STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (\n"
                        + "  'connector' = 'jdbc', 'url' = '${CRM_JDBC_URL}', 'table-name' = 'people',\n"
                        + "  'username' = '${CRM_USER}', 'password' = '${CRM_PASSWORD}',\n"
                        + "  'sink.buffer-flush.max-rows' = '500',"
                        + " 'sink.buffer-flush.interval' = '500 ms');\n"
                        + "INSERT INTO crm_people\n"
                        + "SELECT id, mask(name), mask_show_last_n(phone, 2), mask_hash(email)\n"
                        + "FROM staging_people;\n");
        Variables variables =
                Variables.builder()
                        .put(
                                "KAFKA_BOOTSTRAP_SERVERS",
                                KAFKA.broker().bootstrapServers(),
                                false,
                                "test")
                        .put("CRM_JDBC_URL", postgres.jdbcUrl("crm"), false, "test")
                        .put("CRM_USER", postgres.username(), false, "test")
                        .put("CRM_PASSWORD", postgres.password(), true, "test")
                        .build();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRestartStrategy(RestartStrategies.noRestart());
        JobClient job =
                PipelineRunner.execute(
                                StreamTableEnvironment.create(env),
                                List.of(catalog),
                                pipeline,
                                variables)
                        .getJobClient()
                        .orElseThrow();
        try {
            AwaitWhileRunning.until(
                    "the CRM table to equal the masked changelog",
                    job,
                    DEADLINE,
                    () -> crmRows(postgres).equals(masked(expected)));
            assertThat(crmRows(postgres)).hasSize(1_100);
            assertThat(
                            miniCluster
                                    .getExecutionGraph(job.getJobID())
                                    .get()
                                    .getArchivedExecutionConfig()
                                    .getObjectReuseEnabled())
                    .as("as Sluice runs every pipeline")
                    .isTrue();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    record Person(String name, String phone, String email) {}

    /**
     * Writes inserts of 1,500 people, 4,000 updates (many of a row within one flush of the sink)
     * and 400 deletes as Debezium change events; returns the state they end in.
     */
    private static Map<Long, Person> produceChangelog() throws Exception {
        Random random = new Random(11);
        Map<Long, Person> state = new TreeMap<>();
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (long id = 1; id <= 1_500; id++) {
            Person person = person(random, id);
            records.add(change(id, "c", null, person));
            state.put(id, person);
        }
        List<Long> ids = new ArrayList<>(state.keySet());
        for (int i = 0; i < 4_000; i++) {
            long id = ids.get(random.nextInt(ids.size()));
            Person after = person(random, id);
            records.add(change(id, "u", state.get(id), after));
            state.put(id, after);
        }
        for (int i = 0; i < 400; i++) {
            long id = ids.remove(random.nextInt(ids.size()));
            records.add(change(id, "d", state.remove(id), null));
        }
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
            for (ProducerRecord<String, String> record : records) {
                producer.send(record);
            }
            producer.flush();
        }
        return state;
    }

    private static Person person(Random random, long id) {
        String[] names = {"Jane Doe", "Zoë Ångström", "O'Brien-2", "李 雷", "Ann"};
        return new Person(
                names[random.nextInt(names.length)] + " " + id,
                "+44 20 7946 " + (1000 + random.nextInt(9000)),
                "person" + id + "." + random.nextInt(100) + "@example.com");
    }

    private static ProducerRecord<String, String> change(
            long id, String op, Person before, Person after) throws Exception {
        ObjectNode event = JSON.createObjectNode();
        event.set("before", before == null ? null : row(id, before));
        event.set("after", after == null ? null : row(id, after));
        event.put("op", op);
        return new ProducerRecord<>(TOPIC, "{\"id\":" + id + "}", JSON.writeValueAsString(event));
    }

    private static ObjectNode row(long id, Person person) {
        ObjectNode row = JSON.createObjectNode();
        row.put("id", id);
        row.put("name", person.name());
        row.put("phone", person.phone());
        row.put("email", person.email());
        return row;
    }

    private static Map<Long, List<String>> masked(Map<Long, Person> people) {
        HiveMasker mask = HiveMasker.of(MaskRegion.ALL);
        HiveMasker showLast2 = HiveMasker.builder(MaskRegion.SHOW_LAST_N).charCount(2).build();
        Map<Long, List<String>> rows = new TreeMap<>();
        people.forEach(
                (id, p) ->
                        rows.put(
                                id,
                                List.of(
                                        mask.mask(p.name()),
                                        showLast2.mask(p.phone()),
                                        MaskHash.sha256Hex(p.email()))));
        return rows;
    }

    private static Map<Long, List<String>> crmRows(PostgresServer postgres) {
        Map<Long, List<String>> rows = new TreeMap<>();
        try (Connection connection = postgres.connect("crm");
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery("SELECT id, name, phone, email_hash FROM people")) {
            while (result.next()) {
                rows.put(
                        result.getLong(1),
                        List.of(result.getString(2), result.getString(3), result.getString(4)));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot read the CRM table", e);
        }
        return rows;
    }
}
