package dev.sluice.ingest.mysql;

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
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Field;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Encodes the Kafka Connect values of Debezium's MySQL change events in the common staging format
 * of the PostgreSQL ingest: decimals as plain decimal text, dates as {@code yyyy-MM-dd}, timestamps
 * and times in ISO-8601, bytes as base64, TIMESTAMP columns as UTC instants ({@code ...Z}).
 *
 * <p>It is the PostgreSQL ingest's encoder written against the Connect API as the MySQL CDC fat jar
 * relocates it ({@code org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect}), which is
 * why it cannot be shared. A value the staging format cannot hold — a MySQL {@code TIME} below zero
 * or from 24:00:00 on, which no SQL TIME has — fails with a {@link ColumnEncodingException} naming
 * the column and its type (never the value), and the change goes to the dead-letter topic.
 *
 * <p>{@link #encode} builds a Jackson tree; {@link #write} streams the same JSON straight to a
 * {@link JsonGenerator}, which the ingest job uses (MySqlStagingEncodingTest holds both to the same
 * bytes).
 */
final class MySqlChangeEncoder {

    private static final JsonNodeFactory JSON = JsonNodeFactory.withExactBigDecimals(true);
    private static final DateTimeFormatter ISO_TIMESTAMP = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    // always with seconds: LocalTime.toString() writes 10:15, which Flink cannot parse
    private static final DateTimeFormatter ISO_TIME = DateTimeFormatter.ISO_LOCAL_TIME;

    private MySqlChangeEncoder() {}

    static JsonNode encode(Schema schema, Object value) {
        return encode("", schema, value);
    }

    static ObjectNode encodeStruct(Struct struct) {
        return encodeStruct("", struct);
    }

    private static JsonNode encode(String path, Schema schema, Object value) {
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
                return JSON.numberNode(((Number) value).floatValue());
            case FLOAT64:
                return JSON.numberNode(((Number) value).doubleValue());
            case BOOLEAN:
                return JSON.booleanNode((Boolean) value);
            case STRING:
                return JSON.textNode(value.toString());
            case BYTES:
                return JSON.textNode(Base64.getEncoder().encodeToString(bytes(value)));
            case ARRAY:
                ArrayNode array = JSON.arrayNode();
                int index = 0;
                for (Object element : (List<?>) value) {
                    array.add(encode(path + "[" + index++ + "]", schema.valueSchema(), element));
                }
                return array;
            case MAP:
                ObjectNode map = JSON.objectNode();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    String key = String.valueOf(entry.getKey());
                    map.set(key, encode(path + "." + key, schema.valueSchema(), entry.getValue()));
                }
                return map;
            case STRUCT:
                return encodeStruct(path, (Struct) value);
            default:
                throw new IllegalArgumentException(
                        "Unsupported Connect type "
                                + schema.type()
                                + " of column '"
                                + path
                                + "'; the ingest job cannot encode it.");
        }
    }

    private static ObjectNode encodeStruct(String path, Struct struct) {
        ObjectNode object = JSON.objectNode();
        for (Field field : struct.schema().fields()) {
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            object.set(field.name(), encodeField(fieldPath, field, struct));
        }
        return object;
    }

    /** Encodes one field; a failure names the column and its type but not its value. */
    private static JsonNode encodeField(String path, Field field, Struct struct) {
        try {
            return encode(path, field.schema(), struct.get(field));
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

    /** Writes what {@link #encode} builds, straight to {@code out}: the same JSON, no tree. */
    static void write(JsonGenerator out, Schema schema, Object value) throws IOException {
        write(out, "", schema, value);
    }

    /** Writes what {@link #encodeStruct} builds, straight to {@code out}. */
    static void writeStruct(JsonGenerator out, Struct struct) throws IOException {
        writeStruct(out, "", struct);
    }

    private static void write(JsonGenerator out, String path, Schema schema, Object value)
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
                out.writeNumber(((Number) value).floatValue());
                return;
            case FLOAT64:
                out.writeNumber(((Number) value).doubleValue());
                return;
            case BOOLEAN:
                out.writeBoolean((Boolean) value);
                return;
            case STRING:
                out.writeString(value.toString());
                return;
            case BYTES:
                out.writeString(Base64.getEncoder().encodeToString(bytes(value)));
                return;
            case ARRAY:
                out.writeStartArray();
                int index = 0;
                for (Object element : (List<?>) value) {
                    write(out, path + "[" + index++ + "]", schema.valueSchema(), element);
                }
                out.writeEndArray();
                return;
            case MAP:
                out.writeStartObject();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    String key = String.valueOf(entry.getKey());
                    out.writeFieldName(key);
                    write(out, path + "." + key, schema.valueSchema(), entry.getValue());
                }
                out.writeEndObject();
                return;
            case STRUCT:
                writeStruct(out, path, (Struct) value);
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

    private static void writeStruct(JsonGenerator out, String path, Struct struct)
            throws IOException {
        out.writeStartObject();
        for (Field field : struct.schema().fields()) {
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            out.writeFieldName(field.name());
            try {
                write(out, fieldPath, field.schema(), struct.get(field));
            } catch (ColumnEncodingException e) {
                throw e;
            } catch (RuntimeException e) {
                throw columnFailure(fieldPath, field, e);
            }
        }
        out.writeEndObject();
    }

    /** A column value the encoder cannot write; the message names the column, never the value. */
    static final class ColumnEncodingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ColumnEncodingException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Logical type names of the Connect API: the fat jar relocated its string constants along with
     * its classes, so a name may carry the shaded prefix; both spellings mean the same type.
     */
    static final String SHADED_PREFIX = "org.apache.flink.cdc.connectors.shaded.";

    private static JsonNode encodeLogical(String name, Object value) {
        String text = logicalText(name, value);
        return text == null ? null : JSON.textNode(text);
    }

    /** The text of a Connect logical type, or null if its plain encoding is right. */
    private static String logicalText(String name, Object value) {
        String logical =
                name.startsWith(SHADED_PREFIX) ? name.substring(SHADED_PREFIX.length()) : name;
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
                long micros = ((Number) value).longValue();
                return timestamp(
                        Instant.ofEpochSecond(
                                Math.floorDiv(micros, 1_000_000L),
                                Math.floorMod(micros, 1_000_000L) * 1_000L));
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
                // ZonedTimestamp (TIMESTAMP, already UTC text), Year, Json, Enum, EnumSet...:
                // their plain encoding is right
                return null;
        }
    }

    /** MySQL TIME spans -838:59:59 to 838:59:59; only 00:00:00 to 23:59:59.999999 fits. */
    private static String time(long nanoOfDay) {
        return ISO_TIME.format(LocalTime.ofNanoOfDay(nanoOfDay));
    }

    private static String timestamp(Instant instant) {
        return ISO_TIMESTAMP.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        return (byte[]) value;
    }
}
