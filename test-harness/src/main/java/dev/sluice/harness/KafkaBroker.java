package dev.sluice.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft combined mode (broker and controller in one node), in this JVM, on
 * random loopback ports, with single-node settings under which transactions work. Its log folder is
 * removed on {@link #close()}.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(60);
    private static final Duration TOPIC_DEADLINE = Duration.ofSeconds(30);

    /** The ports are chosen before the broker binds them; another process may take one first. */
    private static final int START_ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final AtomicBoolean JVM_GUARDED = new AtomicBoolean();

    private volatile KafkaRaftServer server;
    private final Path folder;
    private final String bootstrapServers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private KafkaConfig config;

    private KafkaBroker(KafkaRaftServer server, Path folder, String bootstrapServers) {
        this.server = server;
        this.folder = folder;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Stops the broker (controlled shutdown) and starts it again on the same ports and log folder:
     * clients lose their connections, open transactions and committed records stay. Returns when it
     * serves again.
     */
    public synchronized void restart() throws Exception {
        server.shutdown();
        server.awaitShutdown();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitServing();
    }

    /**
     * Formats a log folder under {@code workDir/kafka}, starts the broker and waits until it
     * serves.
     */
    public static KafkaBroker start(Path workDir) throws Exception {
        Path folder = workDir.resolve("kafka");
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(folder);
            } catch (Exception e) {
                if (attempt >= START_ATTEMPTS || !isPortClash(e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Kafka's fault handlers end the process on a fatal broker error ({@code Exit.halt}). In a test
     * JVM that would kill every test still to run without a word, so the broker's faults become an
     * exception in the failing broker thread, logged at ERROR, instead.
     */
    private static void keepTheJvmOnFatalBrokerErrors() {
        if (JVM_GUARDED.compareAndSet(false, true)) {
            Exit.Procedure refuse =
                    (status, message) -> {
                        IllegalStateException fatal =
                                new IllegalStateException(
                                        "The embedded Kafka broker asked to end the JVM with status "
                                                + status
                                                + (message == null ? "" : ": " + message)
                                                + ". The broker is broken; restart the test class.");
                        LOG.error(fatal.getMessage(), fatal);
                        throw fatal;
                    };
            Exit.setExitProcedure(refuse);
            Exit.setHaltProcedure(refuse);
        }
    }

    private static KafkaBroker startOnce(Path folder) throws Exception {
        keepTheJvmOnFatalBrokerErrors();
        Folders.delete(folder);
        String logDir = Files.createDirectories(folder.resolve("logs")).toString();
        int brokerPort = FreePorts.next();
        int controllerPort = FreePorts.nextOtherThan(brokerPort);
        KafkaConfig config = new KafkaConfig(settings(logDir, brokerPort, controllerPort));

        // Formatter, not StorageTool: StorageTool ends with System.exit
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir))
                .setMetadataLogDirectory(logDir)
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        KafkaBroker broker = new KafkaBroker(server, folder, HOST + ":" + brokerPort);
        broker.config = config;
        try {
            server.startup();
            broker.awaitServing();
            return broker;
        } catch (Exception e) {
            try {
                broker.close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static Properties settings(String logDir, int brokerPort, int controllerPort) {
        Properties settings = new Properties();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", String.valueOf(NODE_ID));
        settings.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        settings.put(
                "listeners",
                "PLAINTEXT://"
                        + HOST
                        + ":"
                        + brokerPort
                        + ",CONTROLLER://"
                        + HOST
                        + ":"
                        + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("log.dirs", logDir);
        settings.put("num.partitions", "1");
        settings.put("default.replication.factor", "1");
        settings.put("min.insync.replicas", "1");
        // one node: the internal topics cannot have more replicas than that
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "5");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", "5");
        // Flink's exactly-once sink keeps a transaction open across a checkpoint and a restart;
        // its producers ask for up to one hour
        settings.put("transaction.max.timeout.ms", String.valueOf(TimeUnit.HOURS.toMillis(1)));
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("auto.create.topics.enable", "true");
        // a test broker removes nothing behind the tests' backs
        settings.put("log.retention.ms", "-1");
        return settings;
    }

    private void awaitServing() throws Exception {
        try (Admin admin = admin()) {
            Await.until(
                    "the Kafka broker at " + bootstrapServers + " to serve",
                    STARTUP_DEADLINE,
                    Exception.class,
                    () ->
                            !admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                                    .nodes()
                                    .get()
                                    .isEmpty());
        }
    }

    private static boolean isPortClash(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException
                    || String.valueOf(cause.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    /** {@code host:port} of the broker's PLAINTEXT listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Creates the topics (those that exist already must have {@code partitions} partitions) and
     * waits until every partition has a leader.
     */
    public void createTopics(int partitions, String... names) throws Exception {
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "Invalid partition count: " + partitions + ". Ask for at least 1 partition.");
        }
        Set<String> topics = new LinkedHashSet<>(Arrays.asList(names));
        try (Admin admin = admin()) {
            List<NewTopic> newTopics =
                    topics.stream().map(name -> new NewTopic(name, partitions, (short) 1)).toList();
            admin.createTopics(newTopics)
                    .values()
                    .forEach(
                            (name, created) -> {
                                try {
                                    created.get(TOPIC_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                                } catch (Exception e) {
                                    if (e instanceof InterruptedException) {
                                        Thread.currentThread().interrupt();
                                    }
                                    // an existing topic is fine as long as its partition count
                                    // matches, checked below
                                    if (!(e instanceof ExecutionException
                                            && e.getCause() instanceof TopicExistsException)) {
                                        throw new IllegalStateException(
                                                "Cannot create topic "
                                                        + name
                                                        + " on "
                                                        + bootstrapServers,
                                                e);
                                    }
                                }
                            });
            Await.until(
                    "leaders for every partition of " + topics,
                    TOPIC_DEADLINE,
                    Exception.class,
                    () -> everyPartitionLed(admin, topics));
            checkPartitionCounts(admin, topics, partitions);
        }
    }

    private static boolean everyPartitionLed(Admin admin, Set<String> topics) throws Exception {
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
        return descriptions.keySet().containsAll(topics)
                && descriptions.values().stream()
                        .flatMap(description -> description.partitions().stream())
                        .allMatch(
                                partition ->
                                        partition.leader() != null
                                                && !partition.leader().isEmpty());
    }

    private static void checkPartitionCounts(Admin admin, Set<String> topics, int partitions)
            throws Exception {
        for (TopicDescription description :
                admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).values()) {
            if (description.partitions().size() != partitions) {
                throw new IllegalStateException(
                        "Topic "
                                + description.name()
                                + " exists with "
                                + description.partitions().size()
                                + " partitions, not "
                                + partitions
                                + ". Delete it first or ask for its partition count.");
            }
        }
    }

    /** One record as a read_committed consumer sees it; key and value decoded as UTF-8. */
    public record Record(int partition, long offset, String key, String value) {}

    /**
     * Every committed record of a topic, in offset order per partition: reads from the beginning up
     * to the last stable offset as it is when called, with {@code isolation.level=read_committed},
     * so records of aborted and still-open transactions never appear.
     */
    public List<Record> readCommitted(String topic, Duration timeout) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // reading must not create the topic it reads
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + timeout.toNanos();
            Set<TopicPartition> partitions =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(info -> new TopicPartition(topic, info.partition()))
                            .collect(Collectors.toSet());
            if (partitions.isEmpty()) {
                throw new IllegalStateException(
                        "Topic " + topic + " does not exist on " + bootstrapServers);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // under read_committed the end offset is the last stable offset
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<Record> records = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(
                            "Timed out after "
                                    + timeout
                                    + " reading "
                                    + topic
                                    + " up to its last stable offsets "
                                    + end);
                }
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(topic, record.partition()))) {
                        records.add(
                                new Record(
                                        record.partition(),
                                        record.offset(),
                                        text(record.key()),
                                        text(record.value())));
                    }
                }
            }
            return records;
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public String describe() {
        return "Kafka " + bootstrapServers + " (KRaft broker+controller, in-process)";
    }

    /** Shuts the broker down, waits for it, and removes its folder. Safe to call twice. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            Folders.delete(folder);
        }
    }
}
