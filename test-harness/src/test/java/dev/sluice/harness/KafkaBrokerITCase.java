package dev.sluice.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaBrokerITCase {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void readCommittedReturnsCommittedTransactionsOnly() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        kafka.createTopics(1, "orders");
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", "k1", "committed-1"));
            producer.send(new ProducerRecord<>("orders", "k2", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", "k3", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", "k4", "committed-3"));
            producer.commitTransaction();
        }

        List<KafkaBroker.Record> records = kafka.readCommitted("orders", TIMEOUT);

        // offset 2 is a commit marker, 3 the aborted record, 4 its abort marker
        assertThat(records)
                .extracting(
                        KafkaBroker.Record::partition,
                        KafkaBroker.Record::offset,
                        KafkaBroker.Record::key,
                        KafkaBroker.Record::value)
                .containsExactly(
                        tuple(0, 0L, "k1", "committed-1"),
                        tuple(0, 1L, "k2", "committed-2"),
                        tuple(0, 5L, "k4", "committed-3"));
    }

    @Test
    void readCommittedStopsAtAnOpenTransaction() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        kafka.createTopics(2, "payments");
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("payments", 0, "a", "committed"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("payments", 1, "b", "open"));
            producer.flush();

            assertThat(kafka.readCommitted("payments", TIMEOUT))
                    .extracting(KafkaBroker.Record::value)
                    .containsExactly("committed");

            producer.commitTransaction();
        }
        assertThat(kafka.readCommitted("payments", TIMEOUT))
                .extracting(KafkaBroker.Record::value)
                .containsExactlyInAnyOrder("committed", "open");
    }

    @Test
    void createsTopicsWithTheirPartitionsAndKeepsExistingOnes() throws Exception {
        KafkaBroker kafka = KAFKA.broker();

        kafka.createTopics(3, "staging.a", "staging.b");
        kafka.createTopics(3, "staging.a");

        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> topics =
                    admin.describeTopics(List.of("staging.a", "staging.b")).allTopicNames().get();
            assertThat(topics.values())
                    .allSatisfy(topic -> assertThat(topic.partitions()).hasSize(3));
        }
        assertThat(kafka.readCommitted("staging.b", TIMEOUT)).isEmpty();
        assertThatThrownBy(() -> kafka.createTopics(1, "staging.a"))
                .hasMessageContaining("Topic staging.a exists with 3 partitions, not 1.");
        assertThatThrownBy(() -> kafka.createTopics(0, "staging.c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid partition count: 0.");
    }

    @Test
    void readCommittedNamesAMissingTopic() {
        assertThatThrownBy(() -> KAFKA.broker().readCommitted("missing", Duration.ofSeconds(5)))
                .hasMessageContaining("missing");
    }

    @Test
    void closeStopsTheBrokerAndRemovesItsFolder() throws Exception {
        Path workDir = Files.createTempDirectory("sluice-kafka-close-");
        try {
            KafkaBroker second = KafkaBroker.start(workDir);
            int port = Loopback.port(second.bootstrapServers());
            assertThat(port).isNotEqualTo(Loopback.port(KAFKA.broker().bootstrapServers()));
            assertThat(Loopback.accepts(port)).isTrue();

            second.close();
            second.close();

            assertThat(Loopback.accepts(port)).as("port %d", port).isFalse();
            assertThat(workDir.resolve("kafka")).doesNotExist();
        } finally {
            Folders.delete(workDir);
        }
    }

    @Test
    void aFatalBrokerErrorDoesNotEndTheJvm() {
        KAFKA.broker();

        // what Kafka's fault handlers call on a fatal error
        assertThatThrownBy(() -> Exit.halt(1, "simulated fatal fault"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "The embedded Kafka broker asked to end the JVM with status 1: simulated"
                                + " fatal fault.");
        assertThatThrownBy(() -> Exit.exit(2))
                .hasMessageStartingWith(
                        "The embedded Kafka broker asked to end the JVM with status 2.");
    }

    private static KafkaProducer<String, String> transactionalProducer() {
        Map<String, Object> settings =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.broker().bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "harness-" + UUID.randomUUID());
        return new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
    }
}
