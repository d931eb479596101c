package dev.sluice.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A staging topic read from its earliest offset to its end, as plain records (no consumer group,
 * nothing committed): the change events' {@code before} and {@code after} rows. For looking up a
 * subject's identifying values and for verification.
 */
public final class StagingTopic {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final String topic;
    private final dev.sluice.stagingkeys.StagingDecryptor decryptor;

    public StagingTopic(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, null);
    }

    private StagingTopic(
            String bootstrapServers,
            String topic,
            dev.sluice.stagingkeys.StagingDecryptor decryptor) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.decryptor = decryptor;
    }

    /**
     * The same topic read through the staging decryption: encrypted columns as their values, or
     * NULL plus {@code "_shredded": true} where the subject's key was destroyed.
     */
    public StagingTopic decrypting(dev.sluice.stagingkeys.StagingDecryptor decryptor) {
        return new StagingTopic(bootstrapServers, topic, decryptor);
    }

    /**
     * From a pipeline's Kafka table options ({@code topic}, {@code properties.bootstrap.servers}).
     */
    public static StagingTopic of(Map<String, String> options) {
        String servers = options.get("properties.bootstrap.servers");
        String topic = options.get("topic");
        if (servers == null || topic == null) {
            throw new IllegalArgumentException(
                    "Cannot read the staging topic of options without 'topic' and"
                            + " 'properties.bootstrap.servers'.");
        }
        return new StagingTopic(servers, topic);
    }

    public String topic() {
        return topic;
    }

    /** Every change event's rows ({@code before}, then {@code after}, each when present). */
    public void replay(Consumer<JsonNode> rows) {
        replayRaw(
                value -> {
                    if (value == null) {
                        return;
                    }
                    try {
                        JsonNode event = JSON.readTree(value);
                        for (String side : List.of("before", "after")) {
                            JsonNode row = event.path(side);
                            if (row.isObject()) {
                                if (decryptor != null) {
                                    decryptor.decryptRow(
                                            (com.fasterxml.jackson.databind.node.ObjectNode) row);
                                }
                                rows.accept(row);
                            }
                        }
                    } catch (IOException e) {
                        // not a change event (the dead letter's or a foreign record): no rows
                    }
                });
    }

    /** Every record value from the earliest offset to the end at the time of the call. */
    public void replayRaw(Consumer<byte[]> values) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException(
                        "Staging topic " + topic + " does not exist on " + bootstrapServers + ".");
            }
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end =
                    new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!end.isEmpty()) {
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                if (end.isEmpty()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Reading staging topic " + topic + " took over 10 minutes.");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    values.accept(r.value());
                }
            }
        }
    }
}
