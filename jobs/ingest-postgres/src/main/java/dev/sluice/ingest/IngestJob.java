package dev.sluice.ingest;

import dev.sluice.staging.SchemaRegistrar;
import dev.sluice.staging.StagingRecord;
import dev.sluice.staging.StagingRecordSerializer;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.cdc.connectors.base.options.StartupOptions;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The CDC ingest job: every change of the configured PostgreSQL tables, read through one logical
 * replication slot (pgoutput, incremental snapshot first), written exactly once to the staging
 * topic of its table, keyed by primary key.
 *
 * <p>Run it on a cluster with {@code --postgres.hostname h --postgres.database d --tables
 * 'public.a;public.b' --slot.name s --kafka.bootstrap-servers k:9092}; every option is in {@link
 * IngestOptions}.
 */
public final class IngestJob {

    static final String SOURCE_UID = "sluice-ingest-postgres-source";
    static final String SINK_UID = "sluice-ingest-staging-sink";
    static final String REGISTRAR_UID = "sluice-ingest-schema-registrar";
    static final String ENCRYPTION_UID = "sluice-ingest-staging-encryption";

    private IngestJob() {}

    public static void main(String[] args) throws Exception {
        IngestConfig config = IngestConfig.from(ParameterTool.fromArgs(args).getConfiguration());
        IngestPreflight.prepare(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        addTo(env, config);
        env.execute(jobName(config));
    }

    public static String jobName(IngestConfig config) {
        return "sluice-ingest " + config.database() + " " + config.tables();
    }

    /**
     * Adds the ingest pipeline to an environment and turns on exactly-once checkpointing. The
     * caller runs {@link IngestPreflight#prepare} first (the staging topics must exist).
     */
    public static void addTo(StreamExecutionEnvironment env, IngestConfig config) {
        env.enableCheckpointing(
                config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        // With several snapshot readers, Flink CDC assigns the stream split only after a
        // checkpoint completed following the last snapshot chunk. Aligned barriers make the
        // sink process (and commit in that checkpoint's transaction) every record before the
        // barrier: an unaligned checkpoint could leave snapshot records in flight that the sink
        // processes after stream records of the same key (docs/ingest.md, Snapshot readers).
        env.getCheckpointConfig().enableUnalignedCheckpoints(false);

        Properties debezium = new Properties();
        debezium.setProperty("publication.name", config.publicationName());
        // the preflight created the publication for exactly these tables; never widen it
        debezium.setProperty("publication.autocreate.mode", "disabled");
        // precise mode throws inside Debezium on numeric NaN/Infinity (a restart loop); as text,
        // the encoder writes plain decimals and turns those into null plus a dead-letter note
        debezium.setProperty("decimal.handling.mode", "string");
        // the encoder recognises numeric text by this source type parameter
        debezium.setProperty("datatype.propagate.source.type", ".+\\._?(numeric|money)");
        // ISO-8601 durations (P1Y2M3DT4H5M6S): exact, unlike microseconds with 30-day months
        debezium.setProperty("interval.handling.mode", "string");
        debezium.setProperty("time.precision.mode", "adaptive_time_microseconds");
        // the WAL reader's sleep when idle and the source's wait for a batch to fill
        debezium.setProperty(
                "poll.interval.ms", String.valueOf(config.sourcePollInterval().toMillis()));

        PostgresSourceBuilder.PostgresIncrementalSource<StagingRecord> source =
                PostgresSourceBuilder.PostgresIncrementalSource.<StagingRecord>builder()
                        .hostname(config.hostname())
                        .port(config.port())
                        .database(config.database())
                        .schemaList(
                                config.tables().stream()
                                        .map(SourceTable::schema)
                                        .distinct()
                                        .toArray(String[]::new))
                        .tableList(
                                config.tables().stream()
                                        .map(SourceTable::qualifiedName)
                                        .toArray(String[]::new))
                        .username(config.username())
                        .password(config.password())
                        .slotName(config.slotName())
                        .decodingPluginName("pgoutput")
                        .splitSize(config.snapshotSplitSize())
                        .skipSnapshotBackfill(config.snapshotBackfillSkip())
                        .startupOptions(StartupOptions.initial())
                        // a table added to 'tables' is snapshotted when the job resumes from a
                        // savepoint of an earlier run (which restores the old table list)
                        .scanNewlyAddedTableEnabled(true)
                        .debeziumProperties(debezium)
                        .deserializer(
                                new StagingRecordDeserializer(
                                        config.topicPrefix(),
                                        config.database(),
                                        config.deadLetterTopic(),
                                        config.deadLetterKeys(),
                                        StagingEncryption.encryptedTopics(config)))
                        .build();

        Properties producer = new Properties();
        producer.setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                String.valueOf(config.transactionTimeout().toMillis()));
        producer.setProperty(
                ProducerConfig.LINGER_MS_CONFIG,
                String.valueOf(config.producerLinger().toMillis()));
        producer.setProperty(
                ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(config.producerBatchSize()));
        producer.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.producerCompression());
        KafkaSink<StagingRecord> sink =
                KafkaSink.<StagingRecord>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setRecordSerializer(new StagingRecordSerializer())
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(config.transactionalIdPrefix())
                        .setKafkaProducerConfig(producer)
                        .build();

        DataStreamSource<StagingRecord> changes =
                env.fromSource(
                        source,
                        WatermarkStrategy.noWatermarks(),
                        "postgres-cdc " + config.database());
        changes.setParallelism(config.sourceParallelism()).uid(SOURCE_UID);
        DataStream<StagingRecord> staged = changes;
        StagingEncryption encryption = config.encryption();
        if (encryption != null) {
            // chained to the source (same parallelism, ChainingStrategy.ALWAYS): plain values
            // never leave its task
            staged =
                    changes.transform(
                                    "encrypt classified columns",
                                    changes.getType(),
                                    new StagingEncryptionOperator(
                                            encryption, encryption.byTopic(config::topicFor)))
                            .setParallelism(config.sourceParallelism())
                            .uid(ENCRYPTION_UID);
        }
        staged.process(new SchemaRegistrar(config.topicPrefix()))
                .name("staging schema registry")
                .uid(REGISTRAR_UID)
                .setParallelism(1)
                .sinkTo(sink)
                .name("staging topics")
                .uid(SINK_UID)
                .setParallelism(1);
    }
}
