package dev.sluice.ingest;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.util.Collector;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each Debezium change event into a {@link StagingRecord}: the topic of its table, the
 * primary key as JSON key, and the common change format as value: a Debezium envelope {@code
 * {"before", "after", "op", "ts_ms", "source"}} without embedded schema. An event that cannot be
 * encoded goes to the dead-letter topic with the reason instead of failing or vanishing, and so
 * does a note for a change staged with a value it could not hold (see {@link DeadLetter}).
 */
final class StagingRecordDeserializer implements DebeziumDeserializationSchema<StagingRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StagingRecordDeserializer.class);
    private static final String[] SOURCE_FIELDS = {
        "db", "schema", "table", "ts_ms", "snapshot", "lsn", "txId"
    };

    private final String topicPrefix;
    private final String database;
    private final String deadLetterTopic;
    private final DeadLetterKeys deadLetterKeys;
    private transient ObjectMapper mapper;

    StagingRecordDeserializer(String topicPrefix, String database, String deadLetterTopic) {
        this(topicPrefix, database, deadLetterTopic, DeadLetterKeys.raw());
    }

    StagingRecordDeserializer(
            String topicPrefix,
            String database,
            String deadLetterTopic,
            DeadLetterKeys deadLetterKeys) {
        this.topicPrefix = topicPrefix;
        this.database = database;
        this.deadLetterTopic = deadLetterTopic;
        this.deadLetterKeys = deadLetterKeys;
    }

    @Override
    public void deserialize(SourceRecord record, Collector<StagingRecord> out) throws Exception {
        if (record.value() == null) {
            return; // tombstone after a delete: the delete event itself carries the change
        }
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return; // heartbeat or transaction marker, not a row change
        }
        ChangeEventEncoder.Substitutions substitutions = new ChangeEventEncoder.Substitutions();
        StagingRecord staged;
        try {
            staged = encode(record, value, substitutions);
        } catch (Exception e) {
            // every encoding failure, checked (Jackson) or not, lands in dead letter
            StagingRecord letter =
                    DeadLetter.notStaged(deadLetterTopic, record, e, mapper(), deadLetterKeys);
            // no key in the log: a primary key can itself be personal data, and logs travel
            // further than the dead-letter topic; the record there has it
            LOG.warn(
                    "A change from {} at {} could not be staged ({}); it went to {}",
                    record.topic(),
                    record.sourceOffset(),
                    e.getClass().getName(),
                    deadLetterTopic);
            out.collect(letter);
            return;
        }
        out.collect(staged);
        if (!substitutions.isEmpty()) {
            out.collect(
                    DeadLetter.stagedWithNulls(
                            deadLetterTopic,
                            record,
                            substitutions.entries(),
                            mapper(),
                            deadLetterKeys));
        }
    }

    private StagingRecord encode(
            SourceRecord record, Struct value, ChangeEventEncoder.Substitutions substitutions)
            throws Exception {
        Struct source = value.getStruct("source");
        String topic =
                StagingTopics.topicFor(
                        topicPrefix,
                        database,
                        source.getString("schema"),
                        source.getString("table"));
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        for (String row : new String[] {"before", "after"}) {
            ChangeEventEncoder.Substitutions rowSubstitutions =
                    new ChangeEventEncoder.Substitutions();
            envelope.set(
                    row,
                    ChangeEventEncoder.encode(
                            value.schema().field(row).schema(), value.get(row), rowSubstitutions));
            for (ChangeEventEncoder.Substitution substitution : rowSubstitutions.entries()) {
                substitutions.add(
                        row + "." + substitution.column(),
                        substitution.specialValue(),
                        substitution.reason());
            }
        }
        envelope.put("op", value.getString("op"));
        envelope.set(
                "ts_ms",
                ChangeEventEncoder.encode(
                        value.schema().field("ts_ms").schema(), value.get("ts_ms"), substitutions));
        ObjectNode sourceNode = envelope.putObject("source");
        for (String name : SOURCE_FIELDS) {
            Field field = source.schema().field(name);
            if (field != null) {
                sourceNode.set(
                        name,
                        ChangeEventEncoder.encode(
                                field.schema(), source.get(field), substitutions));
            }
        }
        byte[] key =
                record.key() instanceof Struct keyStruct
                        ? mapper().writeValueAsBytes(
                                        ChangeEventEncoder.encodeStruct(keyStruct, substitutions))
                        : null;
        return new StagingRecord(topic, key, mapper().writeValueAsBytes(envelope));
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper =
                    new ObjectMapper()
                            .configure(SerializationFeature.WRITE_BIGDECIMAL_AS_PLAIN, true);
        }
        return mapper;
    }

    @Override
    public TypeInformation<StagingRecord> getProducedType() {
        return TypeInformation.of(StagingRecord.class);
    }
}
