package dev.sluice.ingest.mysql;

import dev.sluice.staging.SchemaRegistrar;
import dev.sluice.staging.StagingRecord;
import dev.sluice.staging.StagingRecordSerializer;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.cdc.connectors.mysql.source.MySqlSource;
import org.apache.flink.cdc.connectors.mysql.table.StartupOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The MySQL/MariaDB CDC ingest job: a snapshot of the configured tables, then every change from the
 * binlog, written exactly once to the staging topic of its table, keyed by primary key, in the same
 * change format as the PostgreSQL ingest.
 *
 * <p>Run it from its own job jar ({@code sluice-ingest-mysql-*-job.jar}) with {@code
 * --mysql.hostname h --mysql.database d --tables 'a;b' --kafka.bootstrap-servers k:9092}; every
 * option is in {@link MySqlIngestOptions}.
 */
public final class MySqlIngestJob {

    static final String SOURCE_UID = "sluice-ingest-mysql-source";
    static final String SINK_UID = "sluice-ingest-staging-sink";
    static final String REGISTRAR_UID = "sluice-ingest-schema-registrar";

    private MySqlIngestJob() {}

    public static void main(String[] args) throws Exception {
        MySqlIngestConfig config =
                MySqlIngestConfig.from(ParameterTool.fromArgs(args).getConfiguration());
        MySqlPreflight.prepare(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        addTo(env, config);
        env.execute(jobName(config));
    }

    public static String jobName(MySqlIngestConfig config) {
        return "sluice-ingest mysql " + config.database() + " " + config.tables();
    }

    /**
     * Adds the ingest pipeline to an environment and turns on exactly-once checkpointing. The
     * caller runs {@link MySqlPreflight#prepare} first (the staging topics must exist).
     */
    public static void addTo(StreamExecutionEnvironment env, MySqlIngestConfig config) {
        env.enableCheckpointing(
                config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);

        Properties debezium = new Properties();
        // DECIMAL as Connect Decimal (exact), BIGINT UNSIGNED as DECIMAL(20,0): no value is lost
        debezium.setProperty("decimal.handling.mode", "precise");
        debezium.setProperty("bigint.unsigned.handling.mode", "precise");
        debezium.setProperty("time.precision.mode", "adaptive_time_microseconds");
        // how long the binlog reader's change queue waits for a batch to fill
        config.applySourcePoll(debezium);
        // zero dates ('0000-00-00') arrive as null instead of failing the snapshot
        Properties jdbc = new Properties();
        jdbc.setProperty("zeroDateTimeBehavior", "CONVERT_TO_NULL");

        MySqlSource<StagingRecord> source =
                MySqlSource.<StagingRecord>builder()
                        .hostname(config.hostname())
                        .port(config.port())
                        .databaseList(config.database())
                        .tableList(
                                config.tables().stream()
                                        .map(t -> config.database() + "." + t)
                                        .toArray(String[]::new))
                        .username(config.username())
                        .password(config.password())
                        .serverId(config.serverId())
                        .serverTimeZone(config.serverTimeZone())
                        .splitSize(config.snapshotSplitSize())
                        .startupOptions(StartupOptions.initial())
                        // a table added to 'tables' is snapshotted when the job resumes from a
                        // savepoint of an earlier run
                        .scanNewlyAddedTableEnabled(true)
                        .debeziumProperties(debezium)
                        .jdbcProperties(jdbc)
                        .deserializer(new MySqlStagingDeserializer(config))
                        .build();

        Properties producer = config.producerProperties();
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
                        source, WatermarkStrategy.noWatermarks(), "mysql-cdc " + config.database());
        changes.setParallelism(config.sourceParallelism()).uid(SOURCE_UID);
        changes.process(new SchemaRegistrar(config.topicPrefix()))
                .name("staging schema registry")
                .uid(REGISTRAR_UID)
                .setParallelism(1)
                .sinkTo(sink)
                .name("staging topics")
                .uid(SINK_UID)
                .setParallelism(1);
    }
}
