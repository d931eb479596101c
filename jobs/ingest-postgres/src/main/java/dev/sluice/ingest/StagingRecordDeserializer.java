package dev.sluice.ingest;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;
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
 *
 * <p>Tables without staging encryption are written straight to bytes by one {@link JsonGenerator}
 * over one growing buffer, both kept for the life of the operator (its records are deserialized on
 * one thread); a table with encryption goes through a Jackson tree that the encryption rewrites.
 * Both give the same bytes (StagingRecordEncodingTest).
 */
final class StagingRecordDeserializer implements DebeziumDeserializationSchema<StagingRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StagingRecordDeserializer.class);
    private static final String[] ROWS = {"before", "after"};
    private static final String[] SOURCE_FIELDS = {
        "db", "schema", "table", "ts_ms", "snapshot", "lsn", "txId"
    };

    private final String topicPrefix;
    private final String database;
    private final String deadLetterTopic;
    private final DeadLetterKeys deadLetterKeys;
    private StagingEncryption encryption;
    private transient ObjectMapper mapper;
    private transient Buffer buffer;
    private transient JsonGenerator generator;
    private transient Map<String, Map<String, String>> topics;

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

    /** Encrypts classified columns with {@code encryption} (null: off). */
    StagingRecordDeserializer encrypting(StagingEncryption encryption) {
        this.encryption = encryption;
        return this;
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
        } catch (dev.sluice.stagingkeys.KeyStoreException e) {
            // the key store or master key failed: not this record's fault; fail (and restart)
            // rather than let classified values bypass encryption or vanish into dead letter
            throw e;
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
        return encryption != null
                        && encryption
                                .rules()
                                .containsKey(
                                        source.getString("schema")
                                                + "."
                                                + source.getString("table"))
                ? encodeTree(record, value, substitutions)
                : encodeStreaming(record, value, substitutions);
    }

    /** The change written straight to bytes, without a tree: the same bytes as encodeTree. */
    StagingRecord encodeStreaming(
            SourceRecord record, Struct value, ChangeEventEncoder.Substitutions substitutions)
            throws IOException {
        Struct source = value.getStruct("source");
        String topic = topic(source.getString("schema"), source.getString("table"));
        JsonGenerator out = generator();
        try {
            out.writeStartObject();
            for (String row : ROWS) {
                ChangeEventEncoder.Substitutions rowSubstitutions =
                        new ChangeEventEncoder.Substitutions();
                out.writeFieldName(row);
                ChangeEventEncoder.write(
                        out, value.schema().field(row).schema(), value.get(row), rowSubstitutions);
                for (ChangeEventEncoder.Substitution substitution : rowSubstitutions.entries()) {
                    substitutions.add(
                            row + "." + substitution.column(),
                            substitution.specialValue(),
                            substitution.reason());
                }
            }
            out.writeStringField("op", value.getString("op"));
            out.writeFieldName("ts_ms");
            ChangeEventEncoder.write(
                    out, value.schema().field("ts_ms").schema(), value.get("ts_ms"), substitutions);
            out.writeObjectFieldStart("source");
            for (String name : SOURCE_FIELDS) {
                Field field = source.schema().field(name);
                if (field != null) {
                    out.writeFieldName(name);
                    ChangeEventEncoder.write(out, field.schema(), source.get(field), substitutions);
                }
            }
            out.writeEndObject();
            out.writeEndObject();
            byte[] envelope = take(out);
            byte[] key = null;
            if (record.key() instanceof Struct keyStruct) {
                ChangeEventEncoder.writeStruct(out, keyStruct, substitutions);
                key = take(out);
            }
            return new StagingRecord(topic, key, envelope);
        } catch (IOException | RuntimeException e) {
            // a half-written event: start the next one on a fresh generator
            generator = null;
            buffer.reset();
            throw e;
        }
    }

    /** The change as a Jackson tree (which the staging encryption rewrites), then bytes. */
    StagingRecord encodeTree(
            SourceRecord record, Struct value, ChangeEventEncoder.Substitutions substitutions)
            throws Exception {
        Struct source = value.getStruct("source");
        String topic = topic(source.getString("schema"), source.getString("table"));
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        for (String row : ROWS) {
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
        if (encryption != null) {
            encryption.apply(source.getString("schema"), source.getString("table"), envelope);
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

    /**
     * The staging topic of a table, named once per table (JFR: naming it per change, with its
     * lower-casing and legality check, was a quarter of the encoding's samples).
     */
    private String topic(String schema, String table) {
        if (topics == null) {
            topics = new HashMap<>();
        }
        return topics.computeIfAbsent(schema, s -> new HashMap<>())
                .computeIfAbsent(
                        table, t -> StagingTopics.topicFor(topicPrefix, database, schema, t));
    }

    private JsonGenerator generator() throws IOException {
        if (generator == null) {
            if (buffer == null) {
                buffer = new Buffer();
            }
            generator = mapper().getFactory().createGenerator(buffer);
            // key and value are separate documents: no separator between root values
            generator.setRootValueSeparator(null);
        }
        return generator;
    }

    private byte[] take(JsonGenerator out) throws IOException {
        out.flush();
        return buffer.take();
    }

    /** A growing byte buffer, reused from record to record; not thread-safe (one operator). */
    static final class Buffer extends OutputStream {
        private byte[] bytes = new byte[4096];
        private int count;

        @Override
        public void write(int b) {
            ensure(1);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            ensure(length);
            System.arraycopy(source, offset, bytes, count, length);
            count += length;
        }

        private void ensure(int more) {
            if (count + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
            }
        }

        /** The bytes written since the last take, and empties the buffer. */
        byte[] take() {
            byte[] taken = Arrays.copyOf(bytes, count);
            count = 0;
            return taken;
        }

        void reset() {
            count = 0;
        }
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
