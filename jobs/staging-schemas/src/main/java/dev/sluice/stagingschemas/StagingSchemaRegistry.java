package dev.sluice.stagingschemas;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The staging schema registry: a compacted Kafka topic {@code <staging topic prefix>._schemas}
 * whose records are keyed by the staging topic's name (UTF-8) and hold a {@link StagingSchema} as
 * JSON ({@link StagingSchemas#toJson}). The ingest jobs write one record per table when they first
 * see it and one each time its version changes; everyone else reads it here.
 */
public final class StagingSchemaRegistry {

    /** The registry topic's name after the staging topic prefix. */
    public static final String SUFFIX = "._schemas";

    private StagingSchemaRegistry() {}

    /** {@code <prefix>._schemas}, e.g. {@code staging._schemas}. */
    public static String topicFor(String prefix) {
        return prefix + SUFFIX;
    }

    /** The latest schema of every staging topic in the registry of {@code prefix}. */
    public static Map<String, StagingSchema> read(Properties kafka, String prefix, Duration timeout)
            throws RegistryException {
        Map<String, StagingSchema> latest = new TreeMap<>();
        readHistory(kafka, prefix, timeout)
                .forEach((topic, versions) -> latest.put(topic, versions.get(versions.size() - 1)));
        return latest;
    }

    /**
     * Every registry record still in the topic, per staging topic in the order ingest wrote them
     * (the last is the latest). Compaction keeps only the latest record of a topic in the long run,
     * so older versions may be gone; each record names its {@code previous} version all the same. A
     * registry topic that does not exist yet reads as empty.
     */
    public static Map<String, List<StagingSchema>> readHistory(
            Properties kafka, String prefix, Duration timeout) throws RegistryException {
        String registry = topicFor(prefix);
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                String.valueOf(Math.max(1000, timeout.toMillis())));
        props.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        Map<String, List<StagingSchema>> out = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<String, List<PartitionInfo>> topics = consumer.listTopics(timeout);
            List<PartitionInfo> partitions = topics.get(registry);
            if (partitions == null || partitions.isEmpty()) {
                return out;
            }
            List<TopicPartition> assigned = new ArrayList<>();
            partitions.forEach(p -> assigned.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new RegistryException(
                            "Reading the staging schema registry "
                                    + registry
                                    + " took longer than "
                                    + timeout
                                    + "; check that the brokers in bootstrap.servers are up, or"
                                    + " give more time.");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null || r.key() == null) {
                        continue;
                    }
                    StagingSchema schema;
                    try {
                        schema = StagingSchemas.fromJson(r.value());
                    } catch (RuntimeException e) {
                        throw new RegistryException(
                                "Record at "
                                        + registry
                                        + "-"
                                        + r.partition()
                                        + "@"
                                        + r.offset()
                                        + " is not a staging schema: "
                                        + e.getMessage(),
                                e);
                    }
                    out.computeIfAbsent(
                                    new String(r.key(), StandardCharsets.UTF_8),
                                    k -> new ArrayList<>())
                            .add(schema);
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new RegistryException(
                    "Cannot reach Kafka at "
                            + kafka.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)
                            + " to read the staging schema registry "
                            + registry
                            + " within "
                            + timeout
                            + ": "
                            + e.getMessage()
                            + ". Check the bootstrap servers.",
                    e);
        }
        return out;
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Publishes registry records outside any ingest job (tests, tools): creates the compacted topic
     * if needed, then writes each record keyed by its topic, flushed before returning.
     */
    public static void write(Properties kafka, String prefix, List<StagingSchema> schemas)
            throws RegistryException {
        createTopic(kafka, prefix, 1, (short) 1);
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (StagingSchema s : schemas) {
                producer.send(record(prefix, s)).get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("Interrupted while writing the staging schema registry", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryException(
                    "Cannot write to the staging schema registry " + topicFor(prefix) + ": " + e,
                    e);
        }
    }

    /** The Kafka record of a registry entry: key the staging topic, value its JSON. */
    public static ProducerRecord<byte[], byte[]> record(String prefix, StagingSchema schema) {
        return new ProducerRecord<>(
                topicFor(prefix),
                schema.topic().getBytes(StandardCharsets.UTF_8),
                StagingSchemas.toBytes(schema));
    }

    /**
     * The registry topic's configuration: compacted (never deleted by age), and no record ever old
     * enough to be compacted away, so the history of every topic stays whole: the policy review
     * tells the columns a table had when ingest first saw it from those added later by the first
     * record of each topic. The topic grows by one small record per schema change.
     */
    public static Map<String, String> topicConfig() {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                String.valueOf(Long.MAX_VALUE));
    }

    /**
     * Creates the compacted registry topic when it is missing (an existing one is left as it is).
     */
    public static void createTopic(
            Properties kafka, String prefix, int partitions, short replication)
            throws RegistryException {
        Properties props = new Properties();
        props.putAll(kafka);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            if (existing.contains(topicFor(prefix))) {
                return;
            }
            try {
                admin.createTopics(
                                List.of(
                                        new NewTopic(topicFor(prefix), partitions, replication)
                                                .configs(topicConfig())))
                        .all()
                        .get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("Interrupted while creating " + topicFor(prefix), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryException(
                    "Cannot create the staging schema registry topic "
                            + topicFor(prefix)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The registry could not be read or written; the message says where and how to fix it. */
    public static final class RegistryException extends Exception {
        private static final long serialVersionUID = 1L;

        public RegistryException(String message, Throwable cause) {
            super(message, cause);
        }

        public RegistryException(String message) {
            super(message);
        }
    }
}
