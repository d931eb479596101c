package dev.sluice.ingest.mysql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Field;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
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
 */
final class MySqlStagingDeserializer implements DebeziumDeserializationSchema<StagingRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MySqlStagingDeserializer.class);
    private static final String[] SOURCE_FIELDS = {
        "db", "table", "ts_ms", "snapshot", "file", "pos", "row", "gtid", "server_id"
    };

    private final MySqlIngestConfig config;
    private transient ObjectMapper mapper;
    private transient Map<Schema, String> versions;

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
            staged = encode(record, value);
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

    private StagingRecord encode(SourceRecord record, Struct value) throws Exception {
        Struct source = value.getStruct("source");
        String topic = config.topicFor(source.getString("table"));
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        for (String row : new String[] {"before", "after"}) {
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
        sourceNode.put("schema_version", schemaVersion(value.schema().field("after").schema()));
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
        return new StagingRecord(topic, key, mapper().writeValueAsBytes(envelope));
    }

    /**
     * A fingerprint of the row's columns (name, type, logical type and its parameters such as
     * precision and scale, nullability, in order): the same for every change of a table until an
     * ALTER TABLE changes its columns, so a reader of staging sees where the table's schema
     * changed. Debezium reuses one schema object per table version, so it is computed once each.
     */
    String schemaVersion(Schema row) {
        if (versions == null) {
            versions = new IdentityHashMap<>();
        }
        String version = versions.get(row);
        if (version == null) {
            if (versions.size() > 1_000) {
                versions.clear();
            }
            StringBuilder columns = new StringBuilder();
            for (Field field : row.fields()) {
                Schema type = field.schema();
                columns.append(field.name())
                        .append(':')
                        .append(type.type())
                        .append(':')
                        .append(
                                type.name() == null
                                        ? ""
                                        : type.name().replace(MySqlChangeEncoder.SHADED_PREFIX, ""))
                        .append(':')
                        .append(type.parameters() == null ? "" : new TreeMap<>(type.parameters()))
                        .append(':')
                        .append(type.isOptional())
                        .append(';');
            }
            try {
                byte[] digest =
                        MessageDigest.getInstance("SHA-256")
                                .digest(columns.toString().getBytes(StandardCharsets.UTF_8));
                version = HexFormat.of().formatHex(digest, 0, 8);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
            versions.put(row, version);
        }
        return version;
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
