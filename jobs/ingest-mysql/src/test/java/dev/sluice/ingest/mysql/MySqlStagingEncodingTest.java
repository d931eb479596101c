package dev.sluice.ingest.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.staging.StagingRecord;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Decimal;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Timestamp;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The MySQL ingest writes change events straight to bytes (no Jackson tree): those bytes must be
 * the tree encoder's, key and value, for the Connect types Debezium's MySQL connector hands over
 * (decimals, dates, DATETIME as epoch millis and micros, TIMESTAMP as UTC text, TIME as micros,
 * YEAR, JSON, ENUM and SET as text, BLOB as bytes) and the encoder's other branches.
 */
class MySqlStagingEncodingTest {

    private static final Schema ROW =
            SchemaBuilder.struct()
                    .name("mysql.shop.everything.Value")
                    .optional()
                    .field("id", Schema.INT64_SCHEMA)
                    .field("amount", Decimal.builder(2).optional().build())
                    .field("small", Schema.OPTIONAL_INT16_SCHEMA)
                    .field("tiny", Schema.OPTIONAL_INT8_SCHEMA)
                    .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
                    .field("f", Schema.OPTIONAL_FLOAT32_SCHEMA)
                    .field("ratio", Schema.OPTIONAL_FLOAT64_SCHEMA)
                    .field("d", logical(SchemaBuilder.int32(), "io.debezium.time.Date"))
                    .field("dt", logical(SchemaBuilder.int64(), "io.debezium.time.Timestamp"))
                    .field("dt6", logical(SchemaBuilder.int64(), "io.debezium.time.MicroTimestamp"))
                    .field("ts", logical(SchemaBuilder.string(), "io.debezium.time.ZonedTimestamp"))
                    .field("t", logical(SchemaBuilder.int64(), "io.debezium.time.MicroTime"))
                    .field("y", logical(SchemaBuilder.int32(), "io.debezium.time.Year"))
                    .field("doc", logical(SchemaBuilder.string(), "io.debezium.data.Json"))
                    .field("e", logical(SchemaBuilder.string(), "io.debezium.data.Enum"))
                    .field("s", logical(SchemaBuilder.string(), "io.debezium.data.EnumSet"))
                    .field("b", Schema.OPTIONAL_BYTES_SCHEMA)
                    .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                    .field(
                            "vdec",
                            SchemaBuilder.struct()
                                    .name("io.debezium.data.VariableScaleDecimal")
                                    .optional()
                                    .field("scale", Schema.INT32_SCHEMA)
                                    .field("value", Schema.BYTES_SCHEMA)
                                    .build())
                    .field("ns", logical(SchemaBuilder.int64(), "io.debezium.time.NanoTimestamp"))
                    .field("cts", Timestamp.builder().optional().build())
                    .field(
                            "cdate",
                            org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data
                                    .Date.builder()
                                    .optional()
                                    .build())
                    .field("tms", logical(SchemaBuilder.int32(), "io.debezium.time.Time"))
                    .field("tns", logical(SchemaBuilder.int64(), "io.debezium.time.NanoTime"))
                    .field(
                            "attrs",
                            SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA)
                                    .optional()
                                    .build())
                    .field("ints", SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional())
                    .build();

    private static final Schema SOURCE =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.mysql.Source")
                    .field("version", Schema.STRING_SCHEMA)
                    .field("connector", Schema.STRING_SCHEMA)
                    .field("name", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .field(
                            "snapshot",
                            SchemaBuilder.string()
                                    .name("io.debezium.data.Enum")
                                    .optional()
                                    .defaultValue("false")
                                    .build())
                    .field("db", Schema.STRING_SCHEMA)
                    .field("table", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("server_id", Schema.INT64_SCHEMA)
                    .field("gtid", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("file", Schema.STRING_SCHEMA)
                    .field("pos", Schema.INT64_SCHEMA)
                    .field("row", Schema.INT32_SCHEMA)
                    .field("thread", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    @Test
    void streamingWritesTheTreeEncodersBytesForEveryType() throws Exception {
        MySqlStagingDeserializer tree = deserializer();
        MySqlStagingDeserializer streaming = deserializer();
        List<SourceRecord> records = new ArrayList<>();
        records.add(change("r", null, fullRow(1)));
        records.add(change("c", null, edgeRow(2)));
        records.add(change("c", null, new Struct(ROW).put("id", 3L)));
        records.add(change("u", fullRow(1), edgeRow(1)));
        records.add(change("d", edgeRow(2), null));

        for (SourceRecord record : records) {
            StagingRecord expected = tree.encodeTree(record, (Struct) record.value());
            StagingRecord actual = streaming.encodeStreaming(record, (Struct) record.value());

            assertThat(actual.topic).isEqualTo(expected.topic);
            assertThat(text(actual.value)).isEqualTo(text(expected.value));
            assertThat(text(actual.key)).isEqualTo(text(expected.key));
        }
        assertThat(
                        text(
                                streaming.encodeStreaming(
                                                records.get(0), (Struct) records.get(0).value())
                                        .value))
                .contains("\"amount\":\"12.34\"", "\"schema_version\":");
    }

    @Test
    void aColumnThatFailsLeavesTheNextChangeWhole() throws Exception {
        MySqlStagingDeserializer streaming = deserializer();
        MySqlStagingDeserializer tree = deserializer();
        // MySQL TIME 838:59:59: no SQL TIME holds it
        SourceRecord failing = change("c", null, fullRow(1).put("t", 3_020_399_000_000L));
        SourceRecord next = change("c", null, fullRow(2));

        assertThatThrownBy(() -> streaming.encodeStreaming(failing, (Struct) failing.value()))
                .isInstanceOf(MySqlChangeEncoder.ColumnEncodingException.class)
                .hasMessageContaining("column 't'")
                .hasMessageNotContaining("3020399");
        StagingRecord after = streaming.encodeStreaming(next, (Struct) next.value());

        StagingRecord expected = tree.encodeTree(next, (Struct) next.value());
        assertThat(text(after.value)).isEqualTo(text(expected.value));
        assertThat(text(after.key)).isEqualTo(text(expected.key));
    }

    private static MySqlStagingDeserializer deserializer() {
        Configuration options = new Configuration();
        options.set(MySqlIngestOptions.MYSQL_DATABASE, "shop");
        options.set(MySqlIngestOptions.KAFKA_BOOTSTRAP_SERVERS, "localhost:9092");
        options.set(MySqlIngestOptions.TABLES, List.of("everything"));
        return new MySqlStagingDeserializer(MySqlIngestConfig.from(options, Map.of()));
    }

    private static Struct fullRow(long id) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("colour", "green");
        attrs.put("none", null);
        Schema vdec = ROW.field("vdec").schema();
        return new Struct(ROW)
                .put("id", id)
                .put("amount", new BigDecimal("12.34"))
                .put("small", (short) -32768)
                .put("tiny", (byte) 127)
                .put("flag", true)
                .put("f", 3.4028235e38f)
                .put("ratio", 0.25)
                .put("d", (int) LocalDate.of(2024, 2, 29).toEpochDay())
                .put("dt", 1_709_212_455_123L)
                .put("dt6", 1_709_212_455_123_456L)
                .put("ts", "2024-02-28T23:02:03.456789Z")
                .put("t", 36_930_500_000L)
                .put("y", 2024)
                .put("doc", "{\"k\": [1, 2]}")
                .put("e", "small")
                .put("s", "a,b")
                .put("b", ByteBuffer.wrap(new byte[] {(byte) 0xde, (byte) 0xad}))
                .put("note", "é \"quoted\" \\ \n\t\u0001 ✓")
                .put(
                        "vdec",
                        new Struct(vdec)
                                .put("scale", 3)
                                .put(
                                        "value",
                                        new BigDecimal("-12.345").unscaledValue().toByteArray()))
                .put("ns", -1_500_000_001L)
                .put("cts", new Date(1_709_212_455_000L))
                .put("cdate", new Date(LocalDate.of(2024, 2, 29).toEpochDay() * 86_400_000L))
                .put("tms", 36_900_000)
                .put("tns", 1L)
                .put("attrs", attrs)
                .put("ints", Arrays.asList(1, null, 3));
    }

    private static Struct edgeRow(long id) {
        return new Struct(ROW)
                .put("id", id)
                .put("amount", new BigDecimal("1E+5").setScale(2))
                .put("f", Float.NaN)
                .put("ratio", Double.NEGATIVE_INFINITY)
                .put("d", (int) LocalDate.of(1969, 7, 20).toEpochDay())
                .put("dt", -1L)
                .put("dt6", 0L)
                .put("t", 0L)
                .put("b", new byte[0])
                .put("note", "")
                .put("ints", List.of());
    }

    private static SourceRecord change(String op, Struct before, Struct after) {
        Schema envelope =
                SchemaBuilder.struct()
                        .name("mysql.shop.everything.Envelope")
                        .field("before", ROW)
                        .field("after", ROW)
                        .field("source", SOURCE)
                        .field("op", Schema.STRING_SCHEMA)
                        .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                        .build();
        Struct source =
                new Struct(SOURCE)
                        .put("version", "1.9.8.Final")
                        .put("connector", "mysql")
                        .put("name", "mysql_binlog_source")
                        .put("ts_ms", 1_709_212_455_000L)
                        .put("snapshot", op.equals("r") ? "true" : "false")
                        .put("db", "shop")
                        .put("table", "everything")
                        .put("server_id", 1L)
                        .put("gtid", op.equals("r") ? null : "3e11fa47-71ca-11e1-9e33:23")
                        .put("file", "binlog.000003")
                        .put("pos", 4_711L)
                        .put("row", 0);
        Struct value =
                new Struct(envelope)
                        .put("before", before)
                        .put("after", after)
                        .put("source", source)
                        .put("op", op)
                        .put("ts_ms", 1_709_212_455_321L);
        Struct row = after != null ? after : before;
        Schema keySchema =
                SchemaBuilder.struct()
                        .name("mysql.shop.everything.Key")
                        .field("id", Schema.INT64_SCHEMA)
                        .build();
        return new SourceRecord(
                Map.of("server", "mysql"),
                Map.of("pos", 4_711L),
                "mysql.shop.everything",
                null,
                keySchema,
                new Struct(keySchema).put("id", row.get("id")),
                envelope,
                value);
    }

    private static Schema logical(SchemaBuilder builder, String name) {
        return builder.name(name).optional().build();
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
