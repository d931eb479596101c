package dev.sluice.ingest;

import dev.sluice.staging.StagingBytes;
import dev.sluice.staging.StagingRecord;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchemas;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.util.Collector;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each Debezium change event into a {@link StagingRecord}: the topic of its table, the
 * primary key as JSON key, and the common change format as value: a Debezium envelope {@code
 * {"before", "after", "op", "ts_ms", "source"}} without embedded schema. An event that cannot be
 * encoded goes to the dead-letter topic with the reason instead of failing or vanishing, and so
 * does a note for a change staged with a value it could not hold (see {@link DeadLetter}). The
 * {@code source} block carries {@code schema_version}, the fingerprint of the table's columns that
 * an ALTER TABLE changes (the same algorithm as the MySQL ingest's, see docs/schema-changes.md).
 *
 * <p>Changes are written straight to bytes by one {@link JsonGenerator} over one growing buffer
 * ({@link StagingBytes}), both kept for the life of the operator (its records are deserialized on
 * one thread); the Jackson tree path gives the same bytes and is the reference of
 * StagingRecordEncodingTest. Changes of encrypted tables are written the same way, with the places
 * of their subject ids and classified values; {@link StagingEncryptionOperator} encrypts those
 * values after this.
 */
final class StagingRecordDeserializer implements DebeziumDeserializationSchema<StagingRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StagingRecordDeserializer.class);
    private static final String[] ROWS = {"before", "after"};
    private static final String[] SOURCE_FIELDS = {
        "db", "schema", "table", "ts_ms", "snapshot", "lsn", "txId"
    };

    static {
        // before the source reads a row: Debezium would log whole rows on a failed conversion
        DebeziumRowLogGuard.install();
    }

    private final String topicPrefix;
    private final String database;
    private final String deadLetterTopic;
    private final DeadLetterKeys deadLetterKeys;
    // staging topic -> its encryption rule: the places of those values go with the change
    private final Map<String, StagingEncryption.Rule> encrypted;
    private transient ObjectMapper mapper;
    private transient StagingBytes bytes;
    private transient Map<String, StagingEncryption.Spans> spans;
    private transient Map<String, Map<String, String>> topics;
    private transient Map<Schema, String[]> versions;
    // topic@version this reader has sent the columns of (see StagingRecord.schemaColumns)
    private transient Set<String> announced;

    StagingRecordDeserializer(String topicPrefix, String database, String deadLetterTopic) {
        this(topicPrefix, database, deadLetterTopic, DeadLetterKeys.raw());
    }

    StagingRecordDeserializer(
            String topicPrefix,
            String database,
            String deadLetterTopic,
            DeadLetterKeys deadLetterKeys) {
        this(topicPrefix, database, deadLetterTopic, deadLetterKeys, Map.of());
    }

    /**
     * {@code encrypted}: the encryption rule of each staging topic that has one; their changes
     * carry the places of subject ids and classified values for {@link StagingEncryptionOperator}.
     */
    StagingRecordDeserializer(
            String topicPrefix,
            String database,
            String deadLetterTopic,
            DeadLetterKeys deadLetterKeys,
            Map<String, StagingEncryption.Rule> encrypted) {
        this.topicPrefix = topicPrefix;
        this.database = database;
        this.deadLetterTopic = deadLetterTopic;
        this.deadLetterKeys = deadLetterKeys;
        this.encrypted = Map.copyOf(encrypted);
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
        // classified columns are encrypted after this, by StagingEncryptionOperator
        return encodeStreaming(record, value, substitutions);
    }

    /**
     * The change written straight to bytes, without a tree: the same bytes as encodeTree. For a
     * table with staging encryption it also says where the subject ids and classified values lie.
     */
    StagingRecord encodeStreaming(
            SourceRecord record, Struct value, ChangeEventEncoder.Substitutions substitutions)
            throws IOException {
        Struct source = value.getStruct("source");
        String topic = topic(source.getString("schema"), source.getString("table"));
        StagingEncryption.Spans places = encrypted.isEmpty() ? null : spans(topic);
        StagingBytes bytes = bytes();
        JsonGenerator out = bytes.generator();
        try {
            out.writeStartObject();
            for (int side = 0; side < ROWS.length; side++) {
                String row = ROWS[side];
                ChangeEventEncoder.Substitutions rowSubstitutions =
                        new ChangeEventEncoder.Substitutions();
                out.writeFieldName(row);
                Object rowValue = value.get(row);
                if (places != null && rowValue instanceof Struct rowStruct) {
                    places.row(side);
                    ChangeEventEncoder.writeRow(bytes, rowStruct, rowSubstitutions, places);
                } else {
                    ChangeEventEncoder.write(
                            out, value.schema().field(row).schema(), rowValue, rowSubstitutions);
                }
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
            String[] version =
                    schemaVersion(value.schema().field("after").schema(), record.keySchema());
            out.writeObjectFieldStart("source");
            for (String name : SOURCE_FIELDS) {
                Field field = source.schema().field(name);
                if (field != null) {
                    out.writeFieldName(name);
                    ChangeEventEncoder.write(out, field.schema(), source.get(field), substitutions);
                }
            }
            out.writeStringField("schema_version", version[0]);
            out.writeEndObject();
            out.writeEndObject();
            byte[] envelope = bytes.take();
            byte[] key = null;
            if (record.key() instanceof Struct keyStruct) {
                ChangeEventEncoder.writeStruct(out, keyStruct, substitutions);
                key = bytes.take();
            }
            StagingRecord staged = new StagingRecord(topic, key, envelope);
            if (places != null) {
                staged.plainSpans = places.take();
            }
            return staged.versioned(version, announced(), sourceMillis(source));
        } catch (IOException | RuntimeException e) {
            // a half-written event: start the next one on a fresh generator
            bytes.reset();
            if (places != null) {
                places.reset();
            }
            throw e;
        }
    }

    /**
     * The change as a Jackson tree, then bytes: the reference encodeStreaming is tested against.
     */
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
        envelope.put("op", value.getString("op"));
        envelope.set(
                "ts_ms",
                ChangeEventEncoder.encode(
                        value.schema().field("ts_ms").schema(), value.get("ts_ms"), substitutions));
        ObjectNode sourceNode = envelope.putObject("source");
        String[] version =
                schemaVersion(value.schema().field("after").schema(), record.keySchema());
        for (String name : SOURCE_FIELDS) {
            Field field = source.schema().field(name);
            if (field != null) {
                sourceNode.set(
                        name,
                        ChangeEventEncoder.encode(
                                field.schema(), source.get(field), substitutions));
            }
        }
        sourceNode.put("schema_version", version[0]);
        byte[] key =
                record.key() instanceof Struct keyStruct
                        ? mapper().writeValueAsBytes(
                                        ChangeEventEncoder.encodeStruct(keyStruct, substitutions))
                        : null;
        return new StagingRecord(topic, key, mapper().writeValueAsBytes(envelope))
                .versioned(version, announced(), sourceMillis(source));
    }

    private static long sourceMillis(Struct source) {
        Object ts = source.get("ts_ms");
        return ts instanceof Number n ? n.longValue() : 0L;
    }

    /**
     * The schema version of the row's columns ({@link StagingSchemas#fingerprint} of their Flink
     * SQL types, nullability and key membership, computed as in the MySQL ingest) and the columns
     * as JSON. Debezium reuses one schema object per table version (it builds a new one when
     * pgoutput's relation message shows changed columns), so it is computed once each.
     */
    String[] schemaVersion(Schema row, Schema key) {
        if (versions == null) {
            versions = new IdentityHashMap<>();
        }
        String[] version = versions.get(row);
        if (version == null) {
            if (versions.size() > 1_000) {
                versions.clear();
            }
            Set<String> keyColumns = new HashSet<>();
            if (key != null && key.type() == Schema.Type.STRUCT) {
                key.fields().forEach(f -> keyColumns.add(f.name()));
            }
            List<StagingColumn> columns = new ArrayList<>();
            for (Field field : row.fields()) {
                columns.add(
                        new StagingColumn(
                                field.name(),
                                ChangeEventEncoder.flinkType(field.schema()),
                                field.schema().isOptional(),
                                keyColumns.contains(field.name())));
            }
            version =
                    new String[] {
                        StagingSchemas.fingerprint(columns), StagingSchemas.columnsJson(columns)
                    };
            versions.put(row, version);
        }
        return version;
    }

    private Set<String> announced() {
        if (announced == null) {
            announced = new HashSet<>();
        }
        return announced;
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

    private StagingBytes bytes() {
        if (bytes == null) {
            bytes = new StagingBytes(mapper().getFactory());
        }
        return bytes;
    }

    /** Where a change of an encrypted topic holds its subject ids and classified values. */
    private StagingEncryption.Spans spans(String topic) {
        StagingEncryption.Rule rule = encrypted.get(topic);
        if (rule == null) {
            return null;
        }
        if (spans == null) {
            spans = new HashMap<>();
        }
        return spans.computeIfAbsent(topic, t -> new StagingEncryption.Spans(rule));
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
