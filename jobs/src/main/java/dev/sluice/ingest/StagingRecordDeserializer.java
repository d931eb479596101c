package dev.sluice.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
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

/**
 * Turns each Debezium change event into a {@link StagingRecord}: the topic of its table, the
 * primary key as JSON key, and the common change format as value: a Debezium envelope {@code
 * {"before", "after", "op", "ts_ms", "source"}} without embedded schema. An event that cannot be
 * encoded goes to the dead-letter topic with the reason instead of failing or vanishing.
 */
final class StagingRecordDeserializer implements DebeziumDeserializationSchema<StagingRecord> {

    private static final long serialVersionUID = 1L;
    private static final String[] SOURCE_FIELDS = {
        "db", "schema", "table", "ts_ms", "snapshot", "lsn", "txId"
    };

    private final String topicPrefix;
    private final String database;
    private final String deadLetterTopic;
    private transient ObjectMapper mapper;

    StagingRecordDeserializer(String topicPrefix, String database, String deadLetterTopic) {
        this.topicPrefix = topicPrefix;
        this.database = database;
        this.deadLetterTopic = deadLetterTopic;
    }

    @Override
    public void deserialize(SourceRecord record, Collector<StagingRecord> out) throws Exception {
        if (record.value() == null) {
            return; // tombstone after a delete: the delete event itself carries the change
        }
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return; // heartbeat or transaction marker, not a row change
        }
        try {
            out.collect(encode(record, value));
        } catch (RuntimeException e) {
            out.collect(deadLetter(record, e));
        }
    }

    private StagingRecord encode(SourceRecord record, Struct value) throws Exception {
        Struct source = value.getStruct("source");
        String topic =
                StagingTopics.topicFor(
                        topicPrefix,
                        database,
                        source.getString("schema"),
                        source.getString("table"));
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        envelope.set(
                "before",
                ChangeEventEncoder.encode(
                        value.schema().field("before").schema(), value.get("before")));
        envelope.set(
                "after",
                ChangeEventEncoder.encode(
                        value.schema().field("after").schema(), value.get("after")));
        envelope.put("op", value.getString("op"));
        envelope.set(
                "ts_ms",
                ChangeEventEncoder.encode(
                        value.schema().field("ts_ms").schema(), value.get("ts_ms")));
        ObjectNode sourceNode = envelope.putObject("source");
        for (String name : SOURCE_FIELDS) {
            Field field = source.schema().field(name);
            if (field != null) {
                sourceNode.set(name, ChangeEventEncoder.encode(field.schema(), source.get(field)));
            }
        }
        byte[] key =
                record.key() instanceof Struct keyStruct
                        ? mapper().writeValueAsBytes(ChangeEventEncoder.encodeStruct(keyStruct))
                        : null;
        return new StagingRecord(topic, key, mapper().writeValueAsBytes(envelope));
    }

    private StagingRecord deadLetter(SourceRecord record, RuntimeException error) throws Exception {
        ObjectNode letter = JsonNodeFactory.instance.objectNode();
        letter.put("reason", error.toString());
        letter.put("source_topic", record.topic());
        letter.put("detected_at", Instant.now().toString());
        letter.put("record", String.valueOf(record.value()));
        return new StagingRecord(
                deadLetterTopic,
                record.topic().getBytes(StandardCharsets.UTF_8),
                mapper().writeValueAsBytes(letter));
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
