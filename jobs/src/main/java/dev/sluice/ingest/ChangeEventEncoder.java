package dev.sluice.ingest;

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
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Encodes Kafka Connect values of Debezium change events as JSON that Flink's {@code debezium-json}
 * format reads without loss: decimals as plain numbers, dates as {@code yyyy-MM-dd}, timestamps and
 * times in ISO-8601 (so staging tables set {@code 'debezium-json.timestamp-format.standard' =
 * 'ISO-8601'}), bytes as base64.
 */
final class ChangeEventEncoder {

    private static final JsonNodeFactory JSON = JsonNodeFactory.withExactBigDecimals(true);
    private static final DateTimeFormatter ISO_TIMESTAMP = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    // always with seconds: LocalTime.toString() writes 10:15, which Flink cannot parse
    private static final DateTimeFormatter ISO_TIME = DateTimeFormatter.ISO_LOCAL_TIME;

    private ChangeEventEncoder() {}

    static JsonNode encode(Schema schema, Object value) {
        if (value == null) {
            return JSON.nullNode();
        }
        String logical = schema.name();
        if (logical != null) {
            JsonNode encoded = encodeLogical(logical, schema, value);
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
                return JSON.textNode(value.toString());
            case BYTES:
                return JSON.textNode(Base64.getEncoder().encodeToString(bytes(value)));
            case ARRAY:
                ArrayNode array = JSON.arrayNode();
                for (Object element : (List<?>) value) {
                    array.add(encode(schema.valueSchema(), element));
                }
                return array;
            case MAP:
                ObjectNode map = JSON.objectNode();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    map.set(
                            String.valueOf(entry.getKey()),
                            encode(schema.valueSchema(), entry.getValue()));
                }
                return map;
            case STRUCT:
                return encodeStruct((Struct) value);
            default:
                throw new IllegalArgumentException(
                        "Unsupported Connect type " + schema.type() + " of field schema " + schema);
        }
    }

    static ObjectNode encodeStruct(Struct struct) {
        ObjectNode object = JSON.objectNode();
        for (Field field : struct.schema().fields()) {
            object.set(field.name(), encode(field.schema(), struct.get(field)));
        }
        return object;
    }

    private static JsonNode encodeLogical(String logical, Schema schema, Object value) {
        switch (logical) {
            case "org.apache.kafka.connect.data.Decimal":
                return JSON.numberNode((BigDecimal) value);
            case "io.debezium.data.VariableScaleDecimal":
                Struct decimal = (Struct) value;
                return JSON.numberNode(
                        new BigDecimal(
                                new BigInteger(bytes(decimal.get("value"))),
                                decimal.getInt32("scale")));
            case "io.debezium.time.Date":
                return JSON.textNode(LocalDate.ofEpochDay(((Number) value).longValue()).toString());
            case "org.apache.kafka.connect.data.Date":
                return JSON.textNode(
                        LocalDate.ofInstant(((Date) value).toInstant(), ZoneOffset.UTC).toString());
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
                return JSON.textNode(
                        LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000_000L)
                                .toString());
            case "io.debezium.time.MicroTime":
                return JSON.textNode(
                        ISO_TIME.format(
                                LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000L)));
            case "io.debezium.time.NanoTime":
                return JSON.textNode(
                        ISO_TIME.format(LocalTime.ofNanoOfDay(((Number) value).longValue())));
            default:
                return null; // ZonedTimestamp, Json, Uuid, Enum...: their plain encoding is right
        }
    }

    private static JsonNode timestamp(Instant instant) {
        return JSON.textNode(
                ISO_TIMESTAMP.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)));
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
}
