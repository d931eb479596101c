package dev.sluice.staging;

import dev.sluice.stagingschemas.StagingSchema;
import dev.sluice.stagingschemas.StagingSchemaRegistry;
import dev.sluice.stagingschemas.StagingSchemas;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the staging schema registry ({@code <prefix>._schemas}) from the change stream: before the
 * first change of a table and before the first change of each new version of it, a registry record
 * with the columns, the previous version and what changed. It runs with parallelism 1 between the
 * source and the staging sink, and its output goes through that same exactly-once sink, so a
 * registry record commits in the same Kafka transaction as the change that first carries its
 * version. The latest schema per topic is in checkpointed state, restored with the source's
 * offsets: a replay after a failure neither repeats nor skips a registry record. Both ingest jobs
 * (PostgreSQL and MySQL) run it.
 */
public final class SchemaRegistrar extends ProcessFunction<StagingRecord, StagingRecord>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistrar.class);

    private final String registryTopic;
    private transient Map<String, StagingSchema> latest;
    private transient ListState<String> state;

    public SchemaRegistrar(String topicPrefix) {
        this.registryTopic = StagingSchemaRegistry.topicFor(topicPrefix);
    }

    @Override
    public void processElement(StagingRecord record, Context ctx, Collector<StagingRecord> out) {
        if (record.schemaVersion != null) {
            StagingSchema known = latest.get(record.topic);
            if (known == null || !known.version().equals(record.schemaVersion)) {
                if (record.schemaColumns == null) {
                    // cannot happen: every reader sends the columns with its first change of a
                    // version; say so loudly rather than write a record without columns
                    LOG.error(
                            "Schema version {} of {} arrived without its columns; the registry"
                                    + " {} misses it",
                            record.schemaVersion,
                            record.topic,
                            registryTopic);
                } else {
                    StagingSchema next =
                            StagingSchemas.next(
                                    known,
                                    record.topic,
                                    StagingSchemas.columnsFromJson(record.schemaColumns),
                                    record.sourceMillis > 0
                                            ? Instant.ofEpochMilli(record.sourceMillis)
                                            : Instant.now());
                    if (next != null) {
                        latest.put(record.topic, next);
                        LOG.info(
                                "Staging schema of {}: version {} (previous {}): {}",
                                record.topic,
                                next.version(),
                                next.previous(),
                                next.change().summary());
                        out.collect(
                                new StagingRecord(
                                        registryTopic,
                                        record.topic.getBytes(StandardCharsets.UTF_8),
                                        StagingSchemas.toBytes(next)));
                    }
                }
            }
        }
        record.schemaColumns = null;
        out.collect(record);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        state.clear();
        for (StagingSchema s : latest.values()) {
            state.add(new String(StagingSchemas.toBytes(s), StandardCharsets.UTF_8));
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state =
                context.getOperatorStateStore()
                        .getListState(new ListStateDescriptor<>("staging-schemas", Types.STRING));
        latest = new HashMap<>();
        for (String json : state.get()) {
            StagingSchema s = StagingSchemas.fromJson(json.getBytes(StandardCharsets.UTF_8));
            latest.put(s.topic(), s);
        }
    }
}
