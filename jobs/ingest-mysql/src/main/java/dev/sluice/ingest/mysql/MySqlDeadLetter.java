package dev.sluice.ingest.mysql;

import dev.sluice.staging.StagingRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Field;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Dead-letter records of the MySQL ingest, in the PostgreSQL ingest's shape: {@code {"outcome":
 * "not_staged", "source_topic", "table", "op", "key", "source", "error", "message",
 * "detected_at"}}, with the binlog position ({@code file}, {@code pos}, {@code gtid}, {@code
 * ts_ms}, {@code snapshot}) as source, and never column values.
 */
final class MySqlDeadLetter {

    static final String NOT_STAGED = "not_staged";

    private static final String[] POSITION_FIELDS = {
        "file", "pos", "row", "gtid", "ts_ms", "snapshot"
    };
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private MySqlDeadLetter() {}

    /** The change could not be encoded; it is not in staging. Never throws. */
    static StagingRecord notStaged(
            String topic, SourceRecord record, Throwable error, ObjectMapper mapper) {
        ObjectNode letter = JSON.objectNode();
        letter.put("outcome", NOT_STAGED);
        letter.put("source_topic", record.topic());
        Struct value = record.value() instanceof Struct struct ? struct : null;
        Struct source =
                value == null || value.schema().field("source") == null
                        ? null
                        : value.getStruct("source");
        if (source != null) {
            letter.put("table", string(source, "db") + "." + string(source, "table"));
        }
        if (value != null && value.schema().field("op") != null) {
            letter.put("op", value.getString("op"));
        }
        letter.set("key", key(record));
        ObjectNode position = letter.putObject("source");
        if (source != null) {
            for (String name : POSITION_FIELDS) {
                Field field = source.schema().field(name);
                if (field != null && source.get(field) != null) {
                    position.put(name, String.valueOf(source.get(field)));
                }
            }
        }
        if (error instanceof MySqlChangeEncoder.ColumnEncodingException) {
            letter.put("error", error.getCause().getClass().getName());
            letter.put("message", error.getMessage());
        } else {
            letter.put("error", error.getClass().getName());
            String message = String.valueOf(error.getMessage());
            letter.put(
                    "message",
                    message.length() <= 300 ? message : message.substring(0, 300) + "...");
        }
        letter.put("detected_at", Instant.now().toString());
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(letter);
        } catch (Exception e) {
            bytes = ("{\"outcome\":\"" + NOT_STAGED + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        return new StagingRecord(
                topic, String.valueOf(record.topic()).getBytes(StandardCharsets.UTF_8), bytes);
    }

    /** The primary key columns only; a key that cannot be encoded is named as such, not dumped. */
    private static JsonNode key(SourceRecord record) {
        if (!(record.key() instanceof Struct key)) {
            return JSON.nullNode();
        }
        try {
            return MySqlChangeEncoder.encodeStruct(key);
        } catch (RuntimeException e) {
            return JSON.textNode("(key not encodable: " + e.getClass().getName() + ")");
        }
    }

    private static String string(Struct struct, String name) {
        Field field = struct.schema().field(name);
        return field == null ? "?" : String.valueOf(struct.get(field));
    }
}
