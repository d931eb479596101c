package dev.sluice.ingest.mysql;

import dev.sluice.staging.SourcePollOptions;
import dev.sluice.staging.StagingProducerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every option of the MySQL/MariaDB ingest job. Passed as {@code --key value} arguments to {@link
 * MySqlIngestJob} or as a Flink configuration; the password is read from the environment, never
 * from arguments. The staging, Kafka and checkpoint keys are the PostgreSQL ingest's.
 */
public final class MySqlIngestOptions {

    public static final ConfigOption<String> MYSQL_HOSTNAME =
            ConfigOptions.key("mysql.hostname")
                    .stringType()
                    .defaultValue("localhost")
                    .withDescription("Host name of the source MySQL or MariaDB server.");

    public static final ConfigOption<Integer> MYSQL_PORT =
            ConfigOptions.key("mysql.port")
                    .intType()
                    .defaultValue(3306)
                    .withDescription("Port of the source MySQL or MariaDB server.");

    public static final ConfigOption<String> MYSQL_DATABASE =
            ConfigOptions.key("mysql.database")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Database (MySQL schema) to capture; part of every staging topic name.");

    public static final ConfigOption<String> MYSQL_USERNAME =
            ConfigOptions.key("mysql.username")
                    .stringType()
                    .defaultValue("root")
                    .withDescription(
                            "User with SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE and"
                                    + " REPLICATION CLIENT.");

    public static final ConfigOption<String> MYSQL_PASSWORD_ENV =
            ConfigOptions.key("mysql.password-env")
                    .stringType()
                    .defaultValue("SLUICE_MYSQL_PASSWORD")
                    .withDescription(
                            "Name of the environment variable holding the password (never pass the"
                                    + " password itself as an argument). Empty password when unset.");

    public static final ConfigOption<String> SERVER_ID =
            ConfigOptions.key("mysql.server-id")
                    .stringType()
                    .defaultValue("5400-5409")
                    .withDescription(
                            "Replica server id(s) the job uses to read the binlog: one per source"
                                    + " reader (a range such as 5400-5409 covers parallelism 10)."
                                    + " Unique among all replicas of the server.");

    public static final ConfigOption<String> SERVER_TIME_ZONE =
            ConfigOptions.key("mysql.server-time-zone")
                    .stringType()
                    .defaultValue("UTC")
                    .withDescription(
                            "Session time zone of the server, used to read TIMESTAMP columns.");

    public static final ConfigOption<List<String>> TABLES =
            ConfigOptions.key("tables")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Tables of mysql.database to capture, separated by ';' (e.g."
                                    + " customers;cards). Each needs a primary key.");

    public static final ConfigOption<String> STAGING_SCHEMA =
            ConfigOptions.key("staging.schema")
                    .stringType()
                    .defaultValue("public")
                    .withDescription(
                            "Schema segment of staging topic names"
                                    + " <prefix>.<database>.<schema>.<table>. MySQL has no schemas"
                                    + " inside a database; the default gives the names a PostgreSQL"
                                    + " source of the same tables gets, so pipelines do not change"
                                    + " with the source.");

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka bootstrap servers of the staging area.");

    public static final ConfigOption<String> TOPIC_PREFIX =
            ConfigOptions.key("staging.topic-prefix")
                    .stringType()
                    .defaultValue("staging")
                    .withDescription(
                            "First segment of staging topic names: <prefix>.<database>.<schema>.<table>.");

    public static final ConfigOption<Integer> TOPIC_PARTITIONS =
            ConfigOptions.key("staging.partitions")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Partitions of staging topics created by the job.");

    public static final ConfigOption<Map<String, String>> TOPIC_RETENTION =
            ConfigOptions.key("staging.retention-ms")
                    .mapType()
                    .noDefaultValue()
                    .withDescription(
                            "Kafka retention.ms per staging topic, as topic:ms pairs (-1 keeps"
                                    + " every record); set by sluice ingest from the policy.");

    public static final ConfigOption<Integer> TOPIC_REPLICATION =
            ConfigOptions.key("staging.replication-factor")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Replication factor of staging topics created by the job.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Checkpoint interval: staging records become visible to"
                                    + " read_committed consumers when a checkpoint completes.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("kafka.transactional-id-prefix")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Prefix of the Kafka transactional ids of the exactly-once sink; unique"
                                    + " per ingest job. Defaults to sluice-ingest-mysql-<database>.");

    public static final ConfigOption<Duration> KAFKA_TRANSACTION_TIMEOUT =
            ConfigOptions.key("kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "Kafka transaction timeout; at most the broker's"
                                    + " transaction.max.timeout.ms.");

    public static final ConfigOption<Duration> SOURCE_POLL_INTERVAL =
            SourcePollOptions.POLL_INTERVAL;

    public static final ConfigOption<Duration> KAFKA_PRODUCER_LINGER =
            StagingProducerOptions.LINGER;

    public static final ConfigOption<Integer> KAFKA_PRODUCER_BATCH_SIZE =
            StagingProducerOptions.BATCH_SIZE;

    public static final ConfigOption<String> KAFKA_PRODUCER_COMPRESSION =
            StagingProducerOptions.COMPRESSION;

    public static final ConfigOption<Integer> SNAPSHOT_SPLIT_SIZE =
            ConfigOptions.key("snapshot.split-size")
                    .intType()
                    .defaultValue(8096)
                    .withDescription("Rows per chunk of the incremental snapshot.");

    public static final ConfigOption<Integer> SOURCE_PARALLELISM =
            ConfigOptions.key("source.parallelism")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Parallelism of the snapshot readers (at most the number of server"
                                    + " ids); the binlog is read by one reader.");

    private MySqlIngestOptions() {}
}
