package dev.sluice.ingest;

import dev.sluice.staging.SourcePollOptions;
import dev.sluice.staging.StagingProducerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every option of the CDC ingest job. Passed as {@code --key value} arguments to {@link IngestJob}
 * or as a Flink configuration; secrets are read from the environment, never from arguments.
 */
public final class IngestOptions {

    public static final ConfigOption<String> POSTGRES_HOSTNAME =
            ConfigOptions.key("postgres.hostname")
                    .stringType()
                    .defaultValue("localhost")
                    .withDescription("Host name of the source PostgreSQL server.");

    public static final ConfigOption<Integer> POSTGRES_PORT =
            ConfigOptions.key("postgres.port")
                    .intType()
                    .defaultValue(5432)
                    .withDescription("Port of the source PostgreSQL server.");

    public static final ConfigOption<String> POSTGRES_DATABASE =
            ConfigOptions.key("postgres.database")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database to capture; part of every staging topic name.");

    public static final ConfigOption<String> POSTGRES_USERNAME =
            ConfigOptions.key("postgres.username")
                    .stringType()
                    .defaultValue("postgres")
                    .withDescription(
                            "User with the REPLICATION attribute and SELECT on the captured tables.");

    public static final ConfigOption<String> POSTGRES_PASSWORD_ENV =
            ConfigOptions.key("postgres.password-env")
                    .stringType()
                    .defaultValue("SLUICE_POSTGRES_PASSWORD")
                    .withDescription(
                            "Name of the environment variable holding the password (never pass the"
                                    + " password itself as an argument). Empty password when unset.");

    public static final ConfigOption<List<String>> TABLES =
            ConfigOptions.key("tables")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Tables to capture as schema.table, separated by ';' (e.g."
                                    + " public.customers;public.cards). Each needs a primary key and"
                                    + " REPLICA IDENTITY FULL.");

    public static final ConfigOption<String> SLOT_NAME =
            ConfigOptions.key("slot.name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Logical replication slot shared by all captured tables. It survives the"
                                    + " job; drop it with pg_drop_replication_slot when retiring the"
                                    + " ingest.");

    public static final ConfigOption<String> PUBLICATION_NAME =
            ConfigOptions.key("publication.name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "pgoutput publication; created for exactly the captured tables when"
                                    + " missing. Defaults to the slot name.");

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka bootstrap servers of the staging area.");

    public static final ConfigOption<String> TOPIC_PREFIX =
            ConfigOptions.key("staging.topic-prefix")
                    .stringType()
                    .defaultValue(StagingTopics.DEFAULT_PREFIX)
                    .withDescription(
                            "First segment of staging topic names: <prefix>.<database>.<schema>.<table>.");

    public static final ConfigOption<Integer> TOPIC_PARTITIONS =
            ConfigOptions.key("staging.partitions")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Partitions of staging topics created by the job. Records are keyed by"
                                    + " primary key, so the order of changes per row holds for any"
                                    + " count.");

    public static final ConfigOption<Map<String, String>> TOPIC_RETENTION =
            ConfigOptions.key("staging.retention-ms")
                    .mapType()
                    .noDefaultValue()
                    .withDescription(
                            "Kafka retention.ms per staging topic, as topic:ms pairs (-1 keeps"
                                    + " every record). sluice ingest sets it from the policy's"
                                    + " retention: section; preflight applies it to new and"
                                    + " existing topics and reports each change. Topics not"
                                    + " listed keep theirs (new ones: -1).");

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
                            "Checkpoint interval. Staging records become visible to read_committed"
                                    + " consumers when a checkpoint completes, and the replication"
                                    + " slot advances only then.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("kafka.transactional-id-prefix")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Prefix of the Kafka transactional ids of the exactly-once sink; must be"
                                    + " unique per ingest job on the cluster. Defaults to"
                                    + " sluice-ingest-<database>-<slot>.");

    public static final ConfigOption<Duration> KAFKA_TRANSACTION_TIMEOUT =
            ConfigOptions.key("kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "Kafka transaction timeout; must not exceed the broker's"
                                    + " transaction.max.timeout.ms (15 min by default) and must exceed"
                                    + " the longest expected checkpoint plus restart time.");

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

    public static final ConfigOption<Boolean> SNAPSHOT_BACKFILL_SKIP =
            ConfigOptions.key("snapshot.backfill.skip")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Skip the WAL backfill after each snapshot chunk (Flink CDC's"
                                    + " scan.incremental.snapshot.backfill.skip). Changes made while"
                                    + " a chunk is read then reach staging through the stream phase"
                                    + " instead: a key may be staged again with an older value"
                                    + " after its snapshot row until the stream catches up, so"
                                    + " staging is at-least-once during the snapshot; the last"
                                    + " change per key still equals the source row.");

    public static final ConfigOption<Integer> SOURCE_PARALLELISM =
            ConfigOptions.key("source.parallelism")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Parallelism of the snapshot readers; the streaming phase reads the one"
                                    + " replication slot in a single reader. Each reader's"
                                    + " backfill holds a temporary replication slot while it"
                                    + " reads a chunk, so the snapshot needs up to this many"
                                    + " free slots (and WAL senders) besides the job's slot.");

    public static final ConfigOption<Duration> SOURCE_POLL_INTERVAL =
            SourcePollOptions.POLL_INTERVAL;

    public static final ConfigOption<String> DEAD_LETTER_KEY =
            ConfigOptions.key("dead-letter.key")
                    .stringType()
                    .defaultValue("pseudonymized")
                    .withDescription(
                            "What dead-letter records show of a row's primary key, which may be"
                                    + " personal data: pseudonymized (HMAC-SHA256 keyed by the"
                                    + " secret named by dead-letter.key-secret-env; omitted when"
                                    + " it is not set), omitted, or raw.");

    public static final ConfigOption<String> DEAD_LETTER_KEY_SECRET_ENV =
            ConfigOptions.key("dead-letter.key-secret-env")
                    .stringType()
                    .defaultValue("SLUICE_DEAD_LETTER_SECRET")
                    .withDescription(
                            "Name of the environment variable holding the secret that"
                                    + " pseudonymizes dead-letter keys (never an argument).");

    public static final ConfigOption<List<String>> ENCRYPTION_COLUMNS =
            ConfigOptions.key("staging.encryption.columns")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Crypto-shredding (off when unset): per table,"
                                    + " schema.table:subject:subject_column:col1,col2, separated by"
                                    + " ';'. The listed columns are encrypted in staging under a"
                                    + " data key of the subject named by subject_column; forget"
                                    + " destroys that key. sluice ingest sets it from the policy's"
                                    + " subjects: and classifications:.");

    public static final ConfigOption<String> ENCRYPTION_KEY_STORE_URL =
            ConfigOptions.key("staging.encryption.key-store.url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JDBC URL of the PostgreSQL database holding the key table; required"
                                    + " with staging.encryption.columns.");

    public static final ConfigOption<String> ENCRYPTION_KEY_STORE_USERNAME =
            ConfigOptions.key("staging.encryption.key-store.username")
                    .stringType()
                    .defaultValue("postgres")
                    .withDescription("User of the key store database.");

    public static final ConfigOption<String> ENCRYPTION_KEY_STORE_PASSWORD_ENV =
            ConfigOptions.key("staging.encryption.key-store.password-env")
                    .stringType()
                    .defaultValue(dev.sluice.stagingkeys.KeyStoreSettings.DEFAULT_PASSWORD_ENV)
                    .withDescription(
                            "Name of the environment variable holding the key store password.");

    public static final ConfigOption<String> ENCRYPTION_KEY_STORE_TABLE =
            ConfigOptions.key("staging.encryption.key-store.table")
                    .stringType()
                    .defaultValue(dev.sluice.stagingkeys.KeyStoreSettings.DEFAULT_TABLE)
                    .withDescription("The key table (created when missing).");

    public static final ConfigOption<String> ENCRYPTION_MASTER_KEY_ENV =
            ConfigOptions.key("staging.encryption.master-key-env")
                    .stringType()
                    .defaultValue(dev.sluice.stagingkeys.KeyStoreSettings.DEFAULT_MASTER_KEY_ENV)
                    .withDescription(
                            "Name of the environment variable holding the master key (32 bytes,"
                                    + " base64) that wraps the data keys; never an argument.");

    private IngestOptions() {}
}
