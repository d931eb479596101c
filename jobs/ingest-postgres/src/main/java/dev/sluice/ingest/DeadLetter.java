package dev.sluice.ingest;

import dev.sluice.staging.StagingRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Dead-letter records: where a change event that could not be staged as it was is reported. They
 * name the table, the primary key, the source position (LSN, transaction, snapshot flag) and the
 * reason, and never hold column values, since the dead-letter topic keeps records for as long as
 * staging does and is read by operators: {@code {"outcome", "table", "op", "key", "source",
 * "error", "message", "substitutions", "detected_at"}}.
 *
 * <p>Two outcomes: {@code not_staged} (encoding failed; the change is not in staging; find the row
 * in the source by key) and {@code staged_with_nulls} (the change is in staging with the listed
 * columns null, because their value — numeric NaN or ±Infinity — has no staging form).
 */
final class DeadLetter {

    static final String NOT_STAGED = "not_staged";
    static final String STAGED_WITH_NULLS = "staged_with_nulls";

    private static final String[] POSITION_FIELDS = {"lsn", "txId", "ts_ms", "snapshot"};
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DeadLetter() {}

    /** The change could not be encoded; it is not in staging. Never throws. */
    static StagingRecord notStaged(
            String topic, SourceRecord record, Throwable error, ObjectMapper mapper) {
        return notStaged(topic, record, error, mapper, DeadLetterKeys.raw());
    }

    /** The change could not be encoded; it is not in staging. Never throws. */
    static StagingRecord notStaged(
            String topic,
            SourceRecord record,
            Throwable error,
            ObjectMapper mapper,
            DeadLetterKeys keys) {
        ObjectNode letter = describe(NOT_STAGED, record, keys);
        if (error instanceof ChangeEventEncoder.ColumnEncodingException) {
            letter.put("error", error.getCause().getClass().getName());
            letter.put("message", error.getMessage());
        } else {
            letter.put("error", error.getClass().getName());
            letter.put("message", abbreviated(String.valueOf(error.getMessage())));
        }
        return write(topic, record, letter, mapper);
    }

    /** The change is in staging, with the substituted columns null. Never throws. */
    static StagingRecord stagedWithNulls(
            String topic,
            SourceRecord record,
            List<ChangeEventEncoder.Substitution> substitutions,
            ObjectMapper mapper) {
        return stagedWithNulls(topic, record, substitutions, mapper, DeadLetterKeys.raw());
    }

    /** The change is in staging, with the substituted columns null. Never throws. */
    static StagingRecord stagedWithNulls(
            String topic,
            SourceRecord record,
            List<ChangeEventEncoder.Substitution> substitutions,
            ObjectMapper mapper,
            DeadLetterKeys keys) {
        ObjectNode letter = describe(STAGED_WITH_NULLS, record, keys);
        var list = letter.putArray("substitutions");
        for (ChangeEventEncoder.Substitution substitution : substitutions) {
            list.addObject()
                    .put("column", substitution.column())
                    .put("special_value", substitution.specialValue())
                    .put("reason", substitution.reason());
        }
        return write(topic, record, letter, mapper);
    }

    private static ObjectNode describe(String outcome, SourceRecord record, DeadLetterKeys keys) {
        ObjectNode letter = JSON.objectNode();
        letter.put("outcome", outcome);
        letter.put("source_topic", record.topic());
        Struct value = record.value() instanceof Struct struct ? struct : null;
        Struct source = value == null ? null : optionalStruct(value, "source");
        String table =
                source == null
                        ? "?"
                        : optionalString(source, "schema") + "." + optionalString(source, "table");
        if (source != null) {
            letter.put("table", table);
        }
        if (value != null && value.schema().field("op") != null) {
            letter.put("op", value.getString("op"));
        }
        letter.set("key", keys.show(table, key(record)));
        letter.put("key_shown", keys.mode().name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode position = letter.putObject("source");
        if (source != null) {
            for (String name : POSITION_FIELDS) {
                Field field = source.schema().field(name);
                if (field != null && source.get(field) != null) {
                    position.put(name, String.valueOf(source.get(field)));
                }
            }
        }
        letter.put("detected_at", Instant.now().toString());
        return letter;
    }

    /** The primary key columns only; a key that cannot be encoded is named as such, not dumped. */
    private static JsonNode key(SourceRecord record) {
        if (!(record.key() instanceof Struct key)) {
            return JSON.nullNode();
        }
        try {
            return ChangeEventEncoder.encodeStruct(key, new ChangeEventEncoder.Substitutions());
        } catch (RuntimeException e) {
            return JSON.textNode("(key not encodable: " + e.getClass().getName() + ")");
        }
    }

    private static StagingRecord write(
            String topic, SourceRecord record, ObjectNode letter, ObjectMapper mapper) {
        byte[] value;
        try {
            value = mapper.writeValueAsBytes(letter);
        } catch (Exception e) {
            // a tree of plain text nodes always serialises; this is the last line of defence
            value =
                    ("{\"outcome\":\"" + letter.path("outcome").asText() + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
        }
        return new StagingRecord(
                topic, String.valueOf(record.topic()).getBytes(StandardCharsets.UTF_8), value);
    }

    private static String abbreviated(String message) {
        return message.length() <= 300 ? message : message.substring(0, 300) + "...";
    }

    private static Struct optionalStruct(Struct struct, String name) {
        return struct.schema().field(name) == null ? null : struct.getStruct(name);
    }

    private static String optionalString(Struct struct, String name) {
        return struct.schema().field(name) == null
                ? "?"
                : String.valueOf(struct.get(struct.schema().field(name)));
    }
}
