package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import dev.sluice.stagingkeys.KeyStoreSettings;
import dev.sluice.stagingkeys.SubjectKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pipeline reads crypto-shredded staging through {@code sluice-debezium-json} in Flink SQL:
 * encrypted columns arrive as their values; after one subject's key is destroyed, a replay from the
 * earliest offset gives that subject's encrypted columns as NULL with {@code _shredded = true}, and
 * every other row unchanged. A missing master key fails the job, naming the variable.
 */
class StagingDecryptionITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final String TOPIC = "staging.shop.public.customers";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pipelinesReadDecryptedAndShreddedSubjectsAsNull() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("keys");
        KeyStoreSettings settings =
                new KeyStoreSettings(
                        postgres.jdbcUrl("keys"),
                        postgres.username(),
                        KeyStoreSettings.DEFAULT_PASSWORD_ENV,
                        KeyStoreSettings.DEFAULT_TABLE,
                        KeyStoreSettings.DEFAULT_MASTER_KEY_ENV);
        KAFKA.broker().createTopics(1, TOPIC);
        try (SubjectKeys keys = settings.open()) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(
                            props, new ByteArraySerializer(), new ByteArraySerializer())) {
                String[][] people = {{"1", "alice@example.com"}, {"2", "bob@example.com"}};
                for (String[] p : people) {
                    ObjectNode after = JSON.createObjectNode();
                    after.put("id", Long.parseLong(p[0]));
                    after.put(
                            "email",
                            keys.encrypt("customer", p[0], "email", JSON.writeValueAsBytes(p[1])));
                    after.put("country", "NL");
                    ObjectNode event = JSON.createObjectNode();
                    event.putNull("before");
                    event.set("after", after);
                    event.put("op", "r");
                    producer.send(new ProducerRecord<>(TOPIC, JSON.writeValueAsBytes(event))).get();
                }
            }

            assertThat(read(settings.masterKeyEnv()))
                    .containsEntry(1L, "alice@example.com NL false")
                    .containsEntry(2L, "bob@example.com NL false");
            assertThat(keys.destroy("customer", "1")).isTrue();
        }
        // a new job: a fresh key cache, a replay from the earliest offset
        assertThat(read(KeyStoreSettings.DEFAULT_MASTER_KEY_ENV))
                .containsEntry(1L, "null NL true")
                .containsEntry(2L, "bob@example.com NL false");
        assertThatThrownBy(() -> read("SLUICE_TEST_UNSET_MASTER_KEY"))
                .hasStackTraceContaining("SLUICE_TEST_UNSET_MASTER_KEY is not set");
    }

    /**
     * The two rows of the staging table, read through the format: id -> "email country shredded".
     */
    private static TreeMap<Long, String> read(String masterKeyEnv) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRestartStrategy(RestartStrategies.noRestart());
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.executeSql(
                "CREATE TABLE customers (id BIGINT, email STRING, country STRING,"
                        + " _shredded BOOLEAN, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + " 'connector' = 'kafka', 'topic' = '"
                        + TOPIC
                        + "', 'properties.bootstrap.servers' = '"
                        + KAFKA.broker().bootstrapServers()
                        + "', 'scan.startup.mode' = 'earliest-offset',"
                        + " 'format' = 'sluice-debezium-json',"
                        + " 'sluice-debezium-json.dead-letter.topic' = 'pipelines.dead-letter',"
                        + " 'sluice-debezium-json.dead-letter.bootstrap-servers' = '"
                        + KAFKA.broker().bootstrapServers()
                        + "', 'sluice-debezium-json.encryption.key-store.url' = '"
                        + POSTGRES.server().jdbcUrl("keys")
                        + "', 'sluice-debezium-json.encryption.master-key-env' = '"
                        + masterKeyEnv
                        + "')");
        TableResult result =
                tables.executeSql("SELECT id, email, country, _shredded FROM customers");
        TreeMap<Long, String> rows = new TreeMap<>();
        try (CloseableIterator<Row> it = result.collect()) {
            List<Row> seen = new ArrayList<>();
            while (seen.size() < 2 && it.hasNext()) {
                seen.add(it.next());
            }
            for (Row r : seen) {
                rows.put(
                        (Long) r.getField(0),
                        r.getField(1) + " " + r.getField(2) + " " + r.getField(3));
            }
        }
        return rows;
    }
}
