package dev.sluice.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker in KRaft combined mode (broker and controller in one node), in this JVM, on
 * random loopback ports, with single-node settings under which transactions work. Its log folder is
 * removed on {@link #close()}.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path folder;
    private final String bootstrapServers;

    private KafkaBroker(KafkaRaftServer server, Path folder, String bootstrapServers) {
        this.server = server;
        this.folder = folder;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats a log folder under {@code workDir/kafka}, starts the broker and waits until it
     * serves.
     */
    public static KafkaBroker start(Path workDir) throws Exception {
        Path folder = Files.createDirectories(workDir.resolve("kafka"));
        String logDir = folder.resolve("logs").toString();
        int brokerPort = FreePorts.next();
        int controllerPort = FreePorts.next();
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                        + brokerPort
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", logDir);
        config.put("num.partitions", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "5");
        // Flink's exactly-once sink keeps transactions open across a checkpoint and a restart
        config.put("transaction.max.timeout.ms", String.valueOf(TimeUnit.HOURS.toMillis(1)));
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("log.flush.interval.messages", "100000");
        config.put("auto.create.topics.enable", "true");
        KafkaConfig kafkaConfig = new KafkaConfig(config);

        // Formatter instead of StorageTool: StorageTool ends with System.exit
        new Formatter()
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir))
                .setMetadataLogDirectory(logDir)
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();

        KafkaRaftServer server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
        server.startup();
        KafkaBroker broker = new KafkaBroker(server, folder, "127.0.0.1:" + brokerPort);
        try {
            broker.awaitServing();
        } catch (Exception e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private void awaitServing() throws Exception {
        long deadline = System.nanoTime() + STARTUP_DEADLINE.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "Kafka broker at "
                                        + bootstrapServers
                                        + " did not come up within "
                                        + STARTUP_DEADLINE,
                                notYet);
                    }
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Creates the topics (if missing) and waits until they are ready. */
    public void createTopics(int partitions, String... names) throws Exception {
        try (Admin admin = admin()) {
            List<NewTopic> topics =
                    Arrays.stream(names)
                            .map(name -> new NewTopic(name, partitions, (short) 1))
                            .toList();
            try {
                admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            admin.describeTopics(Arrays.asList(names)).allTopicNames().get(30, TimeUnit.SECONDS);
        }
    }

    /** One record as a read_committed consumer sees it. */
    public record Record(int partition, long offset, String key, String value) {}

    /**
     * Every committed record of a topic, in offset order per partition: reads from the beginning up
     * to the last stable offset as it is now, with {@code isolation.level=read_committed}.
     */
    public List<Record> readCommitted(String topic, Duration timeout) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Set<TopicPartition> partitions =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(info -> new TopicPartition(topic, info.partition()))
                            .collect(Collectors.toSet());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<Record> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Timed out after " + timeout + " reading " + topic);
                }
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    records.add(
                            new Record(
                                    record.partition(),
                                    record.offset(),
                                    text(record.key()),
                                    text(record.value())));
                }
            }
            return records;
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public String describe() {
        return "Kafka " + bootstrapServers + " (KRaft, in-process)";
    }

    @Override
    public void close() throws IOException {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            Folders.delete(folder);
        }
    }
}
