package dev.sluice.ingest.mysql;

import dev.sluice.staging.SourcePollOptions;
import dev.sluice.staging.StagingProducerOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The validated settings of one MySQL/MariaDB ingest job: which tables of which database go to
 * which staging topics. The password is held apart and never printed.
 */
public final class MySqlIngestConfig implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern SERVER_IDS = Pattern.compile("[1-9][0-9]*(-[1-9][0-9]*)?");

    private final Configuration options;
    private final List<String> tables;
    private final String password;

    private MySqlIngestConfig(Configuration options, List<String> tables, String password) {
        this.options = options;
        this.tables = tables;
        this.password = password;
    }

    /** Validates the options and reads the password from the environment variable they name. */
    public static MySqlIngestConfig from(Configuration options) {
        return from(options, System.getenv());
    }

    /** Validates the options, reading the password variable from the given environment. */
    public static MySqlIngestConfig from(Configuration options, Map<String, String> environment) {
        require(options, MySqlIngestOptions.MYSQL_DATABASE);
        require(options, MySqlIngestOptions.KAFKA_BOOTSTRAP_SERVERS);
        List<String> names = options.get(MySqlIngestOptions.TABLES);
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException(
                    "Missing required option '"
                            + MySqlIngestOptions.TABLES.key()
                            + "': list the tables of mysql.database to capture, e.g. --tables"
                            + " 'customers;cards'.");
        }
        String database = options.get(MySqlIngestOptions.MYSQL_DATABASE);
        List<String> tables = names.stream().map(n -> table(n, database)).distinct().toList();
        String serverId = options.get(MySqlIngestOptions.SERVER_ID).strip();
        if (!SERVER_IDS.matcher(serverId).matches()) {
            throw new IllegalArgumentException(
                    "Invalid option 'mysql.server-id': '"
                            + serverId
                            + "'. Give a positive number or a range such as 5400-5409, unique"
                            + " among the server's replicas.");
        }
        for (ConfigOption<Integer> option :
                List.of(
                        MySqlIngestOptions.TOPIC_PARTITIONS,
                        MySqlIngestOptions.SOURCE_PARALLELISM,
                        MySqlIngestOptions.SNAPSHOT_SPLIT_SIZE)) {
            if (options.get(option) < 1) {
                throw new IllegalArgumentException(
                        "Invalid option '"
                                + option.key()
                                + "': "
                                + options.get(option)
                                + ". It must be at least 1.");
            }
        }
        int ids = serverIdCount(serverId);
        if (options.get(MySqlIngestOptions.SOURCE_PARALLELISM) > ids) {
            throw new IllegalArgumentException(
                    "Invalid option 'source.parallelism': "
                            + options.get(MySqlIngestOptions.SOURCE_PARALLELISM)
                            + " readers need as many server ids, but mysql.server-id '"
                            + serverId
                            + "' has "
                            + ids
                            + ". Widen the range or lower the parallelism.");
        }
        StagingProducerOptions.validate(options);
        SourcePollOptions.validate(options);
        if (options.get(MySqlIngestOptions.CHECKPOINT_INTERVAL).compareTo(Duration.ofMillis(100))
                < 0) {
            throw new IllegalArgumentException(
                    "Invalid option 'checkpoint.interval': "
                            + options.get(MySqlIngestOptions.CHECKPOINT_INTERVAL)
                            + ". The ingest job needs checkpoints to commit Kafka transactions; use"
                            + " at least 100 ms (10 s is a good default).");
        }
        String password =
                environment.getOrDefault(options.get(MySqlIngestOptions.MYSQL_PASSWORD_ENV), "");
        MySqlIngestConfig config =
                new MySqlIngestConfig(new Configuration(options), tables, password);
        config.stagingTopics(); // rejects an illegal topic name now
        Map<String, String> retention = options.get(MySqlIngestOptions.TOPIC_RETENTION);
        if (retention != null) {
            retention.keySet().forEach(config::retentionMs);
        }
        return config;
    }

    /** {@code table} or {@code database.table} (of the configured database), lower case. */
    private static String table(String name, String database) {
        String trimmed = name.strip();
        String[] parts = trimmed.split("\\.", -1);
        boolean ok =
                !trimmed.isEmpty()
                        && parts.length <= 2
                        && !parts[parts.length - 1].isEmpty()
                        && (parts.length == 1 || parts[0].equalsIgnoreCase(database));
        if (!ok) {
            throw new IllegalArgumentException(
                    "Invalid table in option 'tables': '"
                            + name
                            + "'. Write a table of mysql.database '"
                            + database
                            + "', e.g. customers (or "
                            + database
                            + ".customers); one ingest job reads one database.");
        }
        return parts[parts.length - 1].toLowerCase(Locale.ROOT);
    }

    private static int serverIdCount(String serverId) {
        String[] range = serverId.split("-");
        return range.length == 1
                ? 1
                : (int) Math.max(0, Long.parseLong(range[1]) - Long.parseLong(range[0]) + 1);
    }

    private static void require(Configuration options, ConfigOption<?> option) {
        Object value = options.get(option);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException(
                    "Missing required option '" + option.key() + "': " + option.description());
        }
    }

    public String hostname() {
        return options.get(MySqlIngestOptions.MYSQL_HOSTNAME);
    }

    public int port() {
        return options.get(MySqlIngestOptions.MYSQL_PORT);
    }

    public String database() {
        return options.get(MySqlIngestOptions.MYSQL_DATABASE);
    }

    public String username() {
        return options.get(MySqlIngestOptions.MYSQL_USERNAME);
    }

    /** The database password; pass it only to drivers, never to a log or a message. */
    String password() {
        return password;
    }

    public String jdbcUrl() {
        return "jdbc:mysql://" + hostname() + ":" + port() + "/" + database();
    }

    /** Captured tables, lower case, without the database. */
    public List<String> tables() {
        return tables;
    }

    public String serverId() {
        return options.get(MySqlIngestOptions.SERVER_ID).strip();
    }

    public String serverTimeZone() {
        return options.get(MySqlIngestOptions.SERVER_TIME_ZONE);
    }

    public String bootstrapServers() {
        return options.get(MySqlIngestOptions.KAFKA_BOOTSTRAP_SERVERS);
    }

    public int topicPartitions() {
        return options.get(MySqlIngestOptions.TOPIC_PARTITIONS);
    }

    public short topicReplicationFactor() {
        return options.get(MySqlIngestOptions.TOPIC_REPLICATION).shortValue();
    }

    public Duration checkpointInterval() {
        return options.get(MySqlIngestOptions.CHECKPOINT_INTERVAL);
    }

    public String transactionalIdPrefix() {
        return options.getOptional(MySqlIngestOptions.TRANSACTIONAL_ID_PREFIX)
                .orElse("sluice-ingest-mysql-" + database());
    }

    public Duration transactionTimeout() {
        return options.get(MySqlIngestOptions.KAFKA_TRANSACTION_TIMEOUT);
    }

    /**
     * Properties of the exactly-once staging producer: the transaction timeout and the
     * kafka.producer.* batching and compression options.
     */
    /**
     * Debezium's {@code poll.interval.ms} from {@code source.poll-interval}, into {@code debezium}.
     */
    public void applySourcePoll(Properties debezium) {
        SourcePollOptions.applyTo(debezium, options);
    }

    public Properties producerProperties() {
        Properties producer = new Properties();
        producer.setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                String.valueOf(transactionTimeout().toMillis()));
        StagingProducerOptions.applyTo(producer, options);
        return producer;
    }

    public int snapshotSplitSize() {
        return options.get(MySqlIngestOptions.SNAPSHOT_SPLIT_SIZE);
    }

    public int sourceParallelism() {
        return options.get(MySqlIngestOptions.SOURCE_PARALLELISM);
    }

    public String topicPrefix() {
        return options.get(MySqlIngestOptions.TOPIC_PREFIX);
    }

    public String stagingSchema() {
        return options.get(MySqlIngestOptions.STAGING_SCHEMA);
    }

    /** Staging topic of every captured table (by table name), in the order of 'tables'. */
    public Map<String, String> stagingTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        for (String table : tables) {
            topics.put(table, topicFor(table));
        }
        return topics;
    }

    /** {@code <prefix>.<database>.<staging.schema>.<table>}, lower case. */
    public String topicFor(String table) {
        return checked(String.join(".", topicPrefix(), database(), stagingSchema(), table));
    }

    /** {@code <prefix>.<database>.dead-letter}, as for PostgreSQL. */
    public String deadLetterTopic() {
        return checked(String.join(".", topicPrefix(), database(), "dead-letter"));
    }

    private static String checked(String name) {
        String topic = name.toLowerCase(Locale.ROOT);
        if (!LEGAL_TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException(
                    "Invalid staging topic name: "
                            + topic
                            + ". Kafka topic names allow only letters, digits, '.', '_' and '-'"
                            + " (at most 249 characters); rename the table or choose another"
                            + " staging.topic-prefix or staging.schema.");
        }
        return topic;
    }

    /** The retention.ms the options ask for {@code topic}, if any. */
    public Optional<Long> retentionMs(String topic) {
        Map<String, String> retention = options.get(MySqlIngestOptions.TOPIC_RETENTION);
        if (retention == null || !retention.containsKey(topic)) {
            return Optional.empty();
        }
        String value = retention.get(topic).trim();
        try {
            long ms = Long.parseLong(value);
            if (ms < -1) {
                throw new NumberFormatException();
            }
            return Optional.of(ms);
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

    @Override
    public String toString() {
        return "MySqlIngestConfig{"
                + jdbcUrl()
                + ", tables="
                + tables
                + ", server-id="
                + serverId()
                + ", kafka="
                + bootstrapServers()
                + "}";
    }
}
