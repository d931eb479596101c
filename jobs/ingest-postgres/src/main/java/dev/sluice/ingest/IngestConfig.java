package dev.sluice.ingest;

import dev.sluice.staging.SourcePollOptions;
import dev.sluice.staging.StagingProducerOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The validated settings of one ingest job: which tables of which database go to which staging
 * topics. The password is held apart and never printed.
 */
public final class IngestConfig {

    private final Configuration options;
    private final List<SourceTable> tables;
    private final String password;
    private DeadLetterKeys deadLetterKeys = DeadLetterKeys.omitted();
    private StagingEncryption encryption;

    private IngestConfig(Configuration options, List<SourceTable> tables, String password) {
        this.options = options;
        this.tables = tables;
        this.password = password;
    }

    /** Validates the options and reads the password from the environment variable they name. */
    public static IngestConfig from(Configuration options) {
        return from(options, System.getenv());
    }

    /** Validates the options, reading the password variable from the given environment. */
    public static IngestConfig from(Configuration options, Map<String, String> environment) {
        require(options, IngestOptions.POSTGRES_DATABASE);
        require(options, IngestOptions.SLOT_NAME);
        require(options, IngestOptions.KAFKA_BOOTSTRAP_SERVERS);
        List<String> tableNames = options.get(IngestOptions.TABLES);
        if (tableNames == null || tableNames.isEmpty()) {
            throw new IllegalArgumentException(
                    "Missing required option '"
                            + IngestOptions.TABLES.key()
                            + "': list the tables to capture, e.g. --tables"
                            + " 'public.customers;public.cards'.");
        }
        List<SourceTable> tables = tableNames.stream().map(SourceTable::parse).distinct().toList();
        String slot = options.get(IngestOptions.SLOT_NAME);
        if (!slot.matches("[a-z0-9_]{1,63}")) {
            throw new IllegalArgumentException(
                    "Invalid option 'slot.name': '"
                            + slot
                            + "'. PostgreSQL slot names use only lower-case letters, digits and"
                            + " '_' (at most 63 characters).");
        }
        positive(options, IngestOptions.TOPIC_PARTITIONS);
        positive(options, IngestOptions.SOURCE_PARALLELISM);
        positive(options, IngestOptions.SNAPSHOT_SPLIT_SIZE);
        StagingProducerOptions.validate(options);
        SourcePollOptions.validate(options);
        if (options.get(IngestOptions.CHECKPOINT_INTERVAL).compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException(
                    "Invalid option 'checkpoint.interval': "
                            + options.get(IngestOptions.CHECKPOINT_INTERVAL)
                            + ". The ingest job needs checkpoints to commit Kafka transactions; use"
                            + " at least 100 ms (10 s is a good default).");
        }
        String password =
                environment.getOrDefault(options.get(IngestOptions.POSTGRES_PASSWORD_ENV), "");
        for (SourceTable table : tables) {
            StagingTopics.topicFor(
                    prefix(options), database(options), table.schema(), table.table());
        }
        IngestConfig config = new IngestConfig(new Configuration(options), tables, password);
        config.deadLetterKeys =
                DeadLetterKeys.of(
                        options.get(IngestOptions.DEAD_LETTER_KEY),
                        options.get(IngestOptions.DEAD_LETTER_KEY_SECRET_ENV),
                        environment);
        List<String> encrypted = options.get(IngestOptions.ENCRYPTION_COLUMNS);
        if (encrypted != null && !encrypted.isEmpty()) {
            var rules = StagingEncryption.parse(encrypted, tables);
            if (!rules.isEmpty()) {
                var settings =
                        new dev.sluice.stagingkeys.KeyStoreSettings(
                                options.get(IngestOptions.ENCRYPTION_KEY_STORE_URL),
                                options.get(IngestOptions.ENCRYPTION_KEY_STORE_USERNAME),
                                options.get(IngestOptions.ENCRYPTION_KEY_STORE_PASSWORD_ENV),
                                options.get(IngestOptions.ENCRYPTION_KEY_STORE_TABLE),
                                options.get(IngestOptions.ENCRYPTION_MASTER_KEY_ENV));
                settings.masterKey(environment); // missing store URL or master key: fail now
                config.encryption = new StagingEncryption(rules, settings);
            }
        }
        Map<String, String> retention = options.get(IngestOptions.TOPIC_RETENTION);
        if (retention != null) {
            retention.keySet().forEach(config::retentionMs); // rejects a bad value now
        }
        return config;
    }

    private static void require(Configuration options, ConfigOption<?> option) {
        Object value = options.get(option);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException(
                    "Missing required option '" + option.key() + "': " + option.description());
        }
    }

    private static void positive(Configuration options, ConfigOption<Integer> option) {
        if (options.get(option) < 1) {
            throw new IllegalArgumentException(
                    "Invalid option '"
                            + option.key()
                            + "': "
                            + options.get(option)
                            + ". It must be at least 1.");
        }
    }

    private static String prefix(Configuration options) {
        return options.get(IngestOptions.TOPIC_PREFIX);
    }

    private static String database(Configuration options) {
        return options.get(IngestOptions.POSTGRES_DATABASE);
    }

    public String hostname() {
        return options.get(IngestOptions.POSTGRES_HOSTNAME);
    }

    public int port() {
        return options.get(IngestOptions.POSTGRES_PORT);
    }

    public String database() {
        return database(options);
    }

    public String username() {
        return options.get(IngestOptions.POSTGRES_USERNAME);
    }

    /** The database password; pass it only to drivers, never to a log or a message. */
    String password() {
        return password;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostname() + ":" + port() + "/" + database();
    }

    public List<SourceTable> tables() {
        return tables;
    }

    public String slotName() {
        return options.get(IngestOptions.SLOT_NAME);
    }

    public String publicationName() {
        return options.getOptional(IngestOptions.PUBLICATION_NAME).orElse(slotName());
    }

    public String bootstrapServers() {
        return options.get(IngestOptions.KAFKA_BOOTSTRAP_SERVERS);
    }

    public int topicPartitions() {
        return options.get(IngestOptions.TOPIC_PARTITIONS);
    }

    public short topicReplicationFactor() {
        return options.get(IngestOptions.TOPIC_REPLICATION).shortValue();
    }

    public Duration checkpointInterval() {
        return options.get(IngestOptions.CHECKPOINT_INTERVAL);
    }

    public String transactionalIdPrefix() {
        return options.getOptional(IngestOptions.TRANSACTIONAL_ID_PREFIX)
                .orElse("sluice-ingest-" + database() + "-" + slotName());
    }

    public Duration transactionTimeout() {
        return options.get(IngestOptions.KAFKA_TRANSACTION_TIMEOUT);
    }

    public Duration producerLinger() {
        return options.get(IngestOptions.KAFKA_PRODUCER_LINGER);
    }

    public int producerBatchSize() {
        return options.get(IngestOptions.KAFKA_PRODUCER_BATCH_SIZE);
    }

    public String producerCompression() {
        return options.get(IngestOptions.KAFKA_PRODUCER_COMPRESSION);
    }

    public int snapshotSplitSize() {
        return options.get(IngestOptions.SNAPSHOT_SPLIT_SIZE);
    }

    public Duration sourcePollInterval() {
        return options.get(IngestOptions.SOURCE_POLL_INTERVAL);
    }

    public boolean snapshotBackfillSkip() {
        return options.get(IngestOptions.SNAPSHOT_BACKFILL_SKIP);
    }

    public int sourceParallelism() {
        return options.get(IngestOptions.SOURCE_PARALLELISM);
    }

    /** Staging topic of every captured table, in the order of the 'tables' option. */
    public Map<SourceTable, String> stagingTopics() {
        Map<SourceTable, String> topics = new LinkedHashMap<>();
        for (SourceTable table : tables) {
            topics.put(table, topicFor(table.schema(), table.table()));
        }
        return topics;
    }

    public String topicFor(String schema, String table) {
        return StagingTopics.topicFor(prefix(options), database(), schema, table);
    }

    public String topicPrefix() {
        return prefix(options);
    }

    /** The retention.ms the options ask for {@code topic}, if any. */
    public java.util.Optional<Long> retentionMs(String topic) {
        Map<String, String> retention = options.get(IngestOptions.TOPIC_RETENTION);
        if (retention == null || !retention.containsKey(topic)) {
            return java.util.Optional.empty();
        }
        String value = retention.get(topic).trim();
        try {
            long ms = Long.parseLong(value);
            if (ms < -1) {
                throw new NumberFormatException();
            }
            return java.util.Optional.of(ms);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Invalid option staging.retention-ms: '"
                            + value
                            + "' for topic "
                            + topic
                            + ". Give milliseconds (-1 for unlimited), e.g. "
                            + topic
                            + ":2592000000.");
        }
    }

    /** Encryption of classified staging columns, or null when off. */
    StagingEncryption encryption() {
        return encryption;
    }

    /** What dead-letter records show of primary keys (holds the secret: never print it). */
    DeadLetterKeys deadLetterKeys() {
        return deadLetterKeys;
    }

    public String deadLetterTopic() {
        return StagingTopics.deadLetterTopicFor(prefix(options), database());
    }

    @Override
    public String toString() {
        return "IngestConfig{"
                + jdbcUrl()
                + ", tables="
                + tables
                + ", slot="
                + slotName()
                + ", kafka="
                + bootstrapServers()
                + "}";
    }
}
