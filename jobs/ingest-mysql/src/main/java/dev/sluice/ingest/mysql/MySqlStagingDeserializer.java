package dev.sluice.ingest.mysql;

import dev.sluice.staging.StagingBytes;
import dev.sluice.staging.StagingRecord;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchemas;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Field;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each Debezium MySQL change event into a {@link StagingRecord} in the PostgreSQL ingest's
 * change format: the topic of its table, the primary key as JSON key, and a Debezium envelope
 * {@code {"before", "after", "op", "ts_ms", "source"}} without embedded schema as value. The {@code
 * source} block carries {@code db}, {@code schema} (the staging schema), {@code table}, {@code
 * ts_ms}, {@code snapshot}, the binlog position ({@code file}, {@code pos}, {@code gtid}) and
 * {@code schema_version}, a fingerprint of the table's columns that changes with every ALTER TABLE
 * that changes them. An event that cannot be encoded goes to the dead-letter topic instead.
 *
 * <p>Events are written straight to bytes by one {@link JsonGenerator} over one growing buffer,
 * both kept for the life of the operator (its records are deserialized on one thread); {@code
 * encodeTree} builds the same bytes through a Jackson tree (MySqlStagingEncodingTest).
 */
final class MySqlStagingDeserializer implements DebeziumDeserializationSchema<StagingRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MySqlStagingDeserializer.class);
    private static final String[] ROWS = {"before", "after"};
    private static final String[] SOURCE_FIELDS = {
        "db", "table", "ts_ms", "snapshot", "file", "pos", "row", "gtid", "server_id"
    };

    private final MySqlIngestConfig config;
    private transient ObjectMapper mapper;
    private transient Map<Schema, String[]> versions;
    // topic@version this reader has sent the columns of (see StagingRecord.schemaColumns)
    private transient Set<String> announced;
    private transient StagingBytes bytes;

    MySqlStagingDeserializer(MySqlIngestConfig config) {
        this.config = config;
    }

    @Override
    public void deserialize(SourceRecord record, Collector<StagingRecord> out) {
        if (record.value() == null) {
            return; // tombstone after a delete: the delete event itself carries the change
        }
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return; // heartbeat or schema change record, not a row change
        }
        StagingRecord staged;
        try {
            staged = encodeStreaming(record, value);
        } catch (Exception e) {
            StagingRecord letter =
                    MySqlDeadLetter.notStaged(config.deadLetterTopic(), record, e, mapper());
            // no key in the log: a primary key can itself be personal data
            LOG.warn(
                    "A change from {} at {} could not be staged ({}: {}); it went to {}",
                    record.topic(),
                    record.sourceOffset(),
                    e.getClass().getName(),
                    // names column and type, never a value (see MySqlChangeEncoder)
                    e instanceof MySqlChangeEncoder.ColumnEncodingException
                            ? e.getMessage()
                            : "see the dead-letter record",
                    config.deadLetterTopic());
            out.collect(letter);
            return;
        }
        out.collect(staged);
    }

    /** The change written straight to bytes, without a tree: the same bytes as encodeTree. */
    StagingRecord encodeStreaming(SourceRecord record, Struct value) throws IOException {
        Struct source = value.getStruct("source");
        String topic = config.topicFor(source.getString("table"));
        StagingBytes bytes = bytes();
        JsonGenerator out = bytes.generator();
        try {
            out.writeStartObject();
            for (String row : ROWS) {
                out.writeFieldName(row);
                MySqlChangeEncoder.write(out, value.schema().field(row).schema(), value.get(row));
            }
            out.writeStringField("op", value.getString("op"));
            out.writeFieldName("ts_ms");
            MySqlChangeEncoder.write(
                    out, value.schema().field("ts_ms").schema(), value.get("ts_ms"));
            String[] version =
                    schemaVersion(value.schema().field("after").schema(), record.keySchema());
            out.writeObjectFieldStart("source");
            out.writeStringField("schema", config.stagingSchema());
            out.writeStringField("schema_version", version[0]);
            for (String name : SOURCE_FIELDS) {
                Field field = source.schema().field(name);
                if (field != null) {
                    out.writeFieldName(name);
                    MySqlChangeEncoder.write(out, field.schema(), source.get(field));
                }
            }
            out.writeEndObject();
            out.writeEndObject();
            byte[] envelope = bytes.take();
            byte[] key = null;
            if (record.key() instanceof Struct keyStruct) {
                MySqlChangeEncoder.writeStruct(out, keyStruct);
                key = bytes.take();
            }
            return new StagingRecord(topic, key, envelope)
                    .versioned(version, announced(), sourceMillis(source));
        } catch (IOException | RuntimeException e) {
            // a half-written event: start the next one on a fresh generator
            bytes.reset();
            throw e;
        }
    }

    /** The change as a Jackson tree, then bytes: what encodeStreaming writes directly. */
    StagingRecord encodeTree(SourceRecord record, Struct value) throws Exception {
        Struct source = value.getStruct("source");
        String topic = config.topicFor(source.getString("table"));
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        for (String row : ROWS) {
            envelope.set(
                    row,
                    MySqlChangeEncoder.encode(value.schema().field(row).schema(), value.get(row)));
        }
        envelope.put("op", value.getString("op"));
        envelope.set(
                "ts_ms",
                MySqlChangeEncoder.encode(
                        value.schema().field("ts_ms").schema(), value.get("ts_ms")));
        ObjectNode sourceNode = envelope.putObject("source");
        sourceNode.put("schema", config.stagingSchema());
        String[] version =
                schemaVersion(value.schema().field("after").schema(), record.keySchema());
        sourceNode.put("schema_version", version[0]);
        for (String name : SOURCE_FIELDS) {
            Field field = source.schema().field(name);
            if (field != null) {
                sourceNode.set(name, MySqlChangeEncoder.encode(field.schema(), source.get(field)));
            }
        }
        byte[] key =
                record.key() instanceof Struct keyStruct
                        ? mapper().writeValueAsBytes(MySqlChangeEncoder.encodeStruct(keyStruct))
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
     * SQL types, nullability and key membership) and the columns as JSON: the same for every change
     * of a table until an ALTER TABLE changes its columns, so a reader of staging sees where the
     * table's schema changed. Debezium reuses one schema object per table version, so it is
     * computed once each.
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
                                flinkType(field.schema()),
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

    /**
     * The Flink SQL type a column's staged value maps to (see {@link StagingSchemas#flinkType}).
     */
    static String flinkType(Schema schema) {
        String name =
                schema.name() == null
                        ? null
                        : schema.name().replace(MySqlChangeEncoder.SHADED_PREFIX, "");
        switch (schema.type()) {
            case ARRAY:
                return "ARRAY<" + flinkType(schema.valueSchema()) + ">";
            case MAP:
                return "MAP<"
                        + flinkType(schema.keySchema())
                        + ", "
                        + flinkType(schema.valueSchema())
                        + ">";
            case STRUCT:
                if (!"io.debezium.data.VariableScaleDecimal".equals(name)) {
                    StringBuilder row = new StringBuilder("ROW<");
                    for (Field f : schema.fields()) {
                        row.append(row.length() > 4 ? ", " : "")
                                .append('`')
                                .append(f.name())
                                .append("` ")
                                .append(flinkType(f.schema()));
                    }
                    return row.append('>').toString();
                }
                break;
            default:
                break;
        }
        return StagingSchemas.flinkType(schema.type().name(), name, schema.parameters());
    }

    private Set<String> announced() {
        if (announced == null) {
            announced = new HashSet<>();
        }
        return announced;
    }

    private StagingBytes bytes() {
        if (bytes == null) {
            bytes = new StagingBytes(mapper().getFactory());
        }
        return bytes;
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
