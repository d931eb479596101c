package dev.sluice.stagingschemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The staging schema registry: the compacted topic {@code <prefix>._schemas}, keyed by staging
 * topic, whose latest value per key is that topic's {@link StagingSchema} as JSON.
 */
public final class StagingSchemaRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StagingSchemaRegistry() {}

    /** The registry topic of a staging prefix: {@code staging} gives {@code staging._schemas}. */
    public static String topic(String prefix) {
        return prefix + "._schemas";
    }

    /**
     * Reads the registry to its end: the latest schema of every staging topic, by topic. An absent
     * registry topic reads as empty.
     *
     * @param kafka client properties, at least {@code bootstrap.servers}
     * @throws IllegalStateException if the registry cannot be read within {@code timeout}
     */
    public static Map<String, StagingSchema> read(
            Properties kafka, String prefix, Duration timeout) {
        String topic = topic(prefix);
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "sluice-schema-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, StagingSchema> schemas = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<PartitionInfo> partitions = consumer.listTopics(timeout).get(topic);
            if (partitions == null || partitions.isEmpty()) {
                return schemas;
            }
            List<TopicPartition> assigned = new ArrayList<>();
            for (PartitionInfo partition : partitions) {
                assigned.add(new TopicPartition(topic, partition.partition()));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Cannot read the staging schema registry "
                                    + topic
                                    + " within "
                                    + timeout
                                    + ". Check that Kafka is reachable.");
                }
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() == null) {
                        continue;
                    }
                    if (record.value() == null) {
                        schemas.remove(record.key());
                    } else {
                        schemas.put(record.key(), fromJson(record.value()));
                    }
                }
            }
        }
        return schemas;
    }

    private static boolean caughtUp(
            KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Writes one schema to the registry (creating the topic if the broker allows it). */
    public static void write(Properties kafka, String prefix, StagingSchema schema) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic(prefix), schema.topic(), toJson(schema)))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted writing " + topic(prefix), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Cannot write to the staging schema registry " + topic(prefix), e);
        }
    }

    public static String toJson(StagingSchema schema) {
        ObjectNode node = JSON.createObjectNode();
        node.put("topic", schema.topic());
        node.put("version", schema.version());
        node.put("previous", schema.previous());
        ArrayNode columns = node.putArray("columns");
        for (StagingColumn column : schema.columns()) {
            columns.addObject()
                    .put("name", column.name())
                    .put("type", column.type())
                    .put("nullable", column.nullable())
                    .put("key", column.key());
        }
        node.put("changed_at", schema.changedAt() == null ? null : schema.changedAt().toString());
        ObjectNode change = node.putObject("change");
        SchemaChange c = schema.change();
        c.added().forEach(change.putArray("added")::add);
        c.dropped().forEach(change.putArray("dropped")::add);
        typeChanges(change.putArray("widened"), c.widened());
        typeChanges(change.putArray("narrowed"), c.narrowed());
        typeChanges(change.putArray("retyped"), c.retyped());
        return node.toString();
    }

    private static void typeChanges(ArrayNode into, List<SchemaChange.TypeChange> changes) {
        for (SchemaChange.TypeChange change : changes) {
            into.addObject()
                    .put("name", change.name())
                    .put("from", change.from())
                    .put("to", change.to());
        }
    }

    public static StagingSchema fromJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            List<StagingColumn> columns = new ArrayList<>();
            for (JsonNode column : node.path("columns")) {
                columns.add(
                        new StagingColumn(
                                column.path("name").asText(),
                                column.path("type").asText(),
                                column.path("nullable").asBoolean(true),
                                column.path("key").asBoolean(false)));
            }
            JsonNode change = node.path("change");
            JsonNode changedAt = node.path("changed_at");
            return new StagingSchema(
                    node.path("topic").asText(),
                    node.path("version").asText(),
                    node.path("previous").isTextual() ? node.get("previous").asText() : null,
                    columns,
                    changedAt.isTextual() ? Instant.parse(changedAt.asText()) : null,
                    new SchemaChange(
                            names(change.path("added")),
                            names(change.path("dropped")),
                            typeChanges(change.path("widened")),
                            typeChanges(change.path("narrowed")),
                            typeChanges(change.path("retyped"))));
        } catch (IOException e) {
            throw new UncheckedIOException("Invalid staging schema registry record", e);
        }
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static List<SchemaChange.TypeChange> typeChanges(JsonNode array) {
        List<SchemaChange.TypeChange> changes = new ArrayList<>();
        for (JsonNode n : array) {
            changes.add(
                    new SchemaChange.TypeChange(
                            n.path("name").asText(),
                            n.path("from").asText(),
                            n.path("to").asText()));
        }
        return changes;
    }
}
