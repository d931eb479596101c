package dev.sluice.ingest;

import dev.sluice.staging.StagingBytes;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Encodes Kafka Connect values of Debezium change events as JSON that Flink's {@code debezium-json}
 * format reads without loss: decimals as plain decimal text (Flink parses a DECIMAL from a JSON
 * string exactly), dates as {@code yyyy-MM-dd}, timestamps and times in ISO-8601 (so staging tables
 * set {@code 'debezium-json.timestamp-format.standard' = 'ISO-8601'}), bytes as base64, intervals
 * as ISO-8601 durations.
 *
 * <p>A value the staging format cannot hold — {@code numeric} NaN or ±Infinity, which no DECIMAL
 * has — is written as JSON null and reported to the caller's {@link Substitutions}, so that the
 * change still reaches staging and the dead-letter topic says which key, column and special value.
 *
 * <p>Two ways to the same bytes: {@link #encode} builds a Jackson tree (the staging encryption
 * rewrites classified columns in it), {@link #write} streams straight to a {@link JsonGenerator}
 * without a tree, which the ingest job uses for every table without encryption.
 * ChangeEventWriteTest holds both to the same output.
 */
final class ChangeEventEncoder {

    /** Schema parameter Debezium sets with {@code datatype.propagate.source.type}. */
    static final String SOURCE_TYPE_PARAMETER = "__debezium.source.column.type";

    /** PostgreSQL types whose string values are decimals (in decimal.handling.mode=string). */
    static final Set<String> DECIMAL_SOURCE_TYPES =
            Set.of("NUMERIC", "_NUMERIC", "MONEY", "_MONEY");

    /**
     * Special numeric values as Debezium writes them in string mode (the snapshot gives the
     * PostgreSQL spelling, the pgoutput stream the names of SpecialValueDecimal), by PostgreSQL
     * spelling.
     */
    private static final Map<String, String> SPECIAL_DECIMALS =
            Map.of(
                    "NaN", "NaN",
                    "NAN", "NaN",
                    "Infinity", "Infinity",
                    "POSITIVE_INFINITY", "Infinity",
                    "-Infinity", "-Infinity",
                    "NEGATIVE_INFINITY", "-Infinity");

    private static final JsonNodeFactory JSON = JsonNodeFactory.withExactBigDecimals(true);
    private static final DateTimeFormatter ISO_TIMESTAMP = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    // always with seconds: LocalTime.toString() writes 10:15, which Flink cannot parse
    private static final DateTimeFormatter ISO_TIME = DateTimeFormatter.ISO_LOCAL_TIME;
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;
    // PostgreSQL's time '24:00:00' (end of day), which LocalTime cannot hold
    private static final String END_OF_DAY = "24:00:00";

    private ChangeEventEncoder() {}

    /** Values changed to fit the staging format, by column; reported to the dead-letter topic. */
    static final class Substitutions {
        private final ArrayList<Substitution> entries = new ArrayList<>();

        void add(String column, String sourceValue, String reason) {
            entries.add(new Substitution(column, sourceValue, reason));
        }

        List<Substitution> entries() {
            return List.copyOf(entries);
        }

        boolean isEmpty() {
            return entries.isEmpty();
        }
    }

    /**
     * One value written as null: its column path, which special value it was (never a row value:
     * one of {@code NaN}, {@code Infinity}, {@code -Infinity}) and why.
     */
    record Substitution(String column, String specialValue, String reason) {}

    static JsonNode encode(Schema schema, Object value, Substitutions substitutions) {
        return encode("", schema, value, substitutions);
    }

    static ObjectNode encodeStruct(Struct struct, Substitutions substitutions) {
        return encodeStruct("", struct, substitutions);
    }

    private static JsonNode encode(
            String path, Schema schema, Object value, Substitutions substitutions) {
        if (value == null) {
            return JSON.nullNode();
        }
        String logical = schema.name();
        if (logical != null) {
            JsonNode encoded = encodeLogical(logical, value);
            if (encoded != null) {
                return encoded;
            }
        }
        switch (schema.type()) {
            case INT8:
            case INT16:
            case INT32:
                return JSON.numberNode(((Number) value).intValue());
            case INT64:
                return JSON.numberNode(((Number) value).longValue());
            case FLOAT32:
            case FLOAT64:
                double number = ((Number) value).doubleValue();
                // JSON has no NaN or Infinity; Flink's JSON format parses them from text
                return Double.isFinite(number)
                        ? (schema.type() == Schema.Type.FLOAT32
                                ? JSON.numberNode(((Number) value).floatValue())
                                : JSON.numberNode(number))
                        : JSON.textNode(Double.toString(number));
            case BOOLEAN:
                return JSON.booleanNode((Boolean) value);
            case STRING:
                return isDecimalSource(schema)
                        ? decimalText(path, value.toString(), substitutions)
                        : JSON.textNode(value.toString());
            case BYTES:
                return JSON.textNode(Base64.getEncoder().encodeToString(bytes(value)));
            case ARRAY:
                ArrayNode array = JSON.arrayNode();
                boolean decimals = isDecimalSource(schema);
                int index = 0;
                for (Object element : (List<?>) value) {
                    String elementPath = path + "[" + index++ + "]";
                    array.add(
                            decimals && element != null
                                    ? decimalText(elementPath, element.toString(), substitutions)
                                    : encode(
                                            elementPath,
                                            schema.valueSchema(),
                                            element,
                                            substitutions));
                }
                return array;
            case MAP:
                ObjectNode map = JSON.objectNode();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    String key = String.valueOf(entry.getKey());
                    map.set(
                            key,
                            encode(
                                    path + "." + key,
                                    schema.valueSchema(),
                                    entry.getValue(),
                                    substitutions));
                }
                return map;
            case STRUCT:
                return encodeStruct(path, (Struct) value, substitutions);
            default:
                throw new IllegalArgumentException(
                        "Unsupported Connect type "
                                + schema.type()
                                + " of column '"
                                + path
                                + "'; the ingest job cannot encode it.");
        }
    }

    private static ObjectNode encodeStruct(
            String path, Struct struct, Substitutions substitutions) {
        ObjectNode object = JSON.objectNode();
        for (Field field : struct.schema().fields()) {
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            object.set(field.name(), encodeField(fieldPath, field, struct, substitutions));
        }
        return object;
    }

    /**
     * Encodes one field; a failure names the column and its type but not its value (the message
     * goes to the dead-letter topic, which holds no column values).
     */
    private static JsonNode encodeField(
            String path, Field field, Struct struct, Substitutions substitutions) {
        try {
            return encode(path, field.schema(), struct.get(field), substitutions);
        } catch (ColumnEncodingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw columnFailure(path, field, e);
        }
    }

    private static ColumnEncodingException columnFailure(
            String path, Field field, RuntimeException e) {
        return new ColumnEncodingException(
                "Cannot encode column '"
                        + path
                        + "' of Connect type "
                        + field.schema().type()
                        + (field.schema().name() == null ? "" : " (" + field.schema().name() + ")")
                        + ": "
                        + e.getClass().getName(),
                e);
    }

    /** A column value the encoder cannot write; the message names the column, never the value. */
    static final class ColumnEncodingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ColumnEncodingException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Writes what {@link #encode} builds, straight to {@code out}: the same JSON, no tree. */
    static void write(JsonGenerator out, Schema schema, Object value, Substitutions substitutions)
            throws IOException {
        write(out, "", schema, value, substitutions);
    }

    /** Writes what {@link #encodeStruct} builds, straight to {@code out}. */
    static void writeStruct(JsonGenerator out, Struct struct, Substitutions substitutions)
            throws IOException {
        writeStruct(out, "", struct, substitutions);
    }

    /** Told where the values of a row's watched columns lie in the written bytes. */
    interface ValueSpans {
        /** Whether the place of this column's value is wanted. */
        boolean watches(String column);

        /** The value of {@code column} (not SQL NULL in the source) is bytes [start, end). */
        void value(String column, int start, int end);
    }

    /**
     * Writes a row as {@link #writeStruct} does, telling {@code spans} where the value of each
     * column it watches lies in {@code bytes}' current document.
     */
    static void writeRow(
            StagingBytes bytes, Struct row, Substitutions substitutions, ValueSpans spans)
            throws IOException {
        JsonGenerator out = bytes.generator();
        out.writeStartObject();
        for (Field field : row.schema().fields()) {
            out.writeFieldName(field.name());
            Object value = row.get(field);
            boolean watched = value != null && spans.watches(field.name());
            // the ':' after the name is written with the value: the value starts one byte later
            int start = watched ? bytes.position() + 1 : 0;
            try {
                write(out, field.name(), field.schema(), value, substitutions);
            } catch (ColumnEncodingException e) {
                throw e;
            } catch (RuntimeException e) {
                throw columnFailure(field.name(), field, e);
            }
            if (watched) {
                spans.value(field.name(), start, bytes.position());
            }
        }
        out.writeEndObject();
    }

    private static void write(
            JsonGenerator out,
            String path,
            Schema schema,
            Object value,
            Substitutions substitutions)
            throws IOException {
        if (value == null) {
            out.writeNull();
            return;
        }
        String logical = schema.name();
        if (logical != null) {
            String text = logicalText(logical, value);
            if (text != null) {
                out.writeString(text);
                return;
            }
        }
        switch (schema.type()) {
            case INT8:
            case INT16:
            case INT32:
                out.writeNumber(((Number) value).intValue());
                return;
            case INT64:
                out.writeNumber(((Number) value).longValue());
                return;
            case FLOAT32:
            case FLOAT64:
                double number = ((Number) value).doubleValue();
                if (!Double.isFinite(number)) {
                    out.writeString(Double.toString(number));
                } else if (schema.type() == Schema.Type.FLOAT32) {
                    out.writeNumber(((Number) value).floatValue());
                } else {
                    out.writeNumber(number);
                }
                return;
            case BOOLEAN:
                out.writeBoolean((Boolean) value);
                return;
            case STRING:
                // writeString(null) writes null: a NaN numeric
                out.writeString(
                        isDecimalSource(schema)
                                ? plainDecimal(path, value.toString(), substitutions)
                                : value.toString());
                return;
            case BYTES:
                out.writeString(Base64.getEncoder().encodeToString(bytes(value)));
                return;
            case ARRAY:
                out.writeStartArray();
                boolean decimals = isDecimalSource(schema);
                int index = 0;
                for (Object element : (List<?>) value) {
                    String elementPath = path + "[" + index++ + "]";
                    if (decimals && element != null) {
                        out.writeString(
                                plainDecimal(elementPath, element.toString(), substitutions));
                    } else {
                        write(out, elementPath, schema.valueSchema(), element, substitutions);
                    }
                }
                out.writeEndArray();
                return;
            case MAP:
                out.writeStartObject();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    String key = String.valueOf(entry.getKey());
                    out.writeFieldName(key);
                    write(
                            out,
                            path + "." + key,
                            schema.valueSchema(),
                            entry.getValue(),
                            substitutions);
                }
                out.writeEndObject();
                return;
            case STRUCT:
                writeStruct(out, path, (Struct) value, substitutions);
                return;
            default:
                throw new IllegalArgumentException(
                        "Unsupported Connect type "
                                + schema.type()
                                + " of column '"
                                + path
                                + "'; the ingest job cannot encode it.");
        }
    }

    private static void writeStruct(
            JsonGenerator out, String path, Struct struct, Substitutions substitutions)
            throws IOException {
        out.writeStartObject();
        for (Field field : struct.schema().fields()) {
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            out.writeFieldName(field.name());
            try {
                write(out, fieldPath, field.schema(), struct.get(field), substitutions);
            } catch (ColumnEncodingException e) {
                throw e;
            } catch (RuntimeException e) {
                throw columnFailure(fieldPath, field, e);
            }
        }
        out.writeEndObject();
    }

    private static boolean isDecimalSource(Schema schema) {
        Map<String, String> parameters = schema.parameters();
        String type = parameters == null ? null : parameters.get(SOURCE_TYPE_PARAMETER);
        return type != null && DECIMAL_SOURCE_TYPES.contains(type.toUpperCase(Locale.ROOT));
    }

    /**
     * A decimal that Debezium gave as text (decimal.handling.mode=string): plain decimal text, or
     * null for NaN and ±Infinity, which no Flink DECIMAL (nor JSON number) can hold.
     */
    private static JsonNode decimalText(String path, String text, Substitutions substitutions) {
        String plain = plainDecimal(path, text, substitutions);
        return plain == null ? JSON.nullNode() : JSON.textNode(plain);
    }

    /** Plain decimal text, or null (with a substitution) for NaN and ±Infinity. */
    private static String plainDecimal(String path, String text, Substitutions substitutions) {
        String trimmed = text.strip();
        String special = SPECIAL_DECIMALS.get(trimmed);
        if (special != null) {
            substitutions.add(
                    path, special, "numeric " + special + " has no DECIMAL value; staged as null");
            return null;
        }
        // money arrives as plain text too; normalise to plain notation
        return new BigDecimal(trimmed).toPlainString();
    }

    private static JsonNode encodeLogical(String logical, Object value) {
        String text = logicalText(logical, value);
        return text == null ? null : JSON.textNode(text);
    }

    /** The text of a Connect logical type, or null if its plain encoding is right. */
    private static String logicalText(String logical, Object value) {
        switch (logical) {
            case "org.apache.kafka.connect.data.Decimal":
                return ((BigDecimal) value).toPlainString();
            case "io.debezium.data.VariableScaleDecimal":
                Struct decimal = (Struct) value;
                return new BigDecimal(
                                new BigInteger(bytes(decimal.get("value"))),
                                decimal.getInt32("scale"))
                        .toPlainString();
            case "io.debezium.time.Date":
                return LocalDate.ofEpochDay(((Number) value).longValue()).toString();
            case "org.apache.kafka.connect.data.Date":
                return LocalDate.ofInstant(((Date) value).toInstant(), ZoneOffset.UTC).toString();
            case "io.debezium.time.Timestamp":
                return timestamp(Instant.ofEpochMilli(((Number) value).longValue()));
            case "io.debezium.time.MicroTimestamp":
                return timestamp(micros(((Number) value).longValue()));
            case "io.debezium.time.NanoTimestamp":
                long nanos = ((Number) value).longValue();
                return timestamp(
                        Instant.ofEpochSecond(
                                Math.floorDiv(nanos, 1_000_000_000L),
                                Math.floorMod(nanos, 1_000_000_000L)));
            case "org.apache.kafka.connect.data.Timestamp":
                return timestamp(((Date) value).toInstant());
            case "io.debezium.time.Time":
                return time(((Number) value).longValue() * 1_000_000L);
            case "io.debezium.time.MicroTime":
                return time(((Number) value).longValue() * 1_000L);
            case "io.debezium.time.NanoTime":
                return time(((Number) value).longValue());
            default:
                // ZonedTimestamp, ZonedTime, Interval (string mode), Json, Uuid, Enum...: their
                // plain encoding is right
                return null;
        }
    }

    private static String time(long nanoOfDay) {
        return nanoOfDay == NANOS_PER_DAY
                ? END_OF_DAY
                : ISO_TIME.format(LocalTime.ofNanoOfDay(nanoOfDay));
    }

    private static String timestamp(Instant instant) {
        return ISO_TIMESTAMP.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    private static Instant micros(long micros) {
        return Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        return (byte[]) value;
    }

    /**
     * The Flink SQL type a column's staged value maps to, for the schema version (see {@code
     * StagingSchemas.flinkType}; containers are spelled out here, where their schemas are known).
     */
    static String flinkType(Schema schema) {
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
                if (!"io.debezium.data.VariableScaleDecimal".equals(schema.name())) {
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
        return dev.sluice.stagingschemas.StagingSchemas.flinkType(
                schema.type().name(), schema.name(), schema.parameters());
    }
}
