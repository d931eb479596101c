package dev.sluice.ingest;

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
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * The ingest job writes change events straight to bytes (no Jackson tree) for tables without
 * staging encryption: those bytes must be the tree encoder's, key and value, for every type of
 * {@link IngestTypesITCase} as Debezium hands them over with the job's settings (numeric as text,
 * adaptive microsecond times, intervals as text), plus the other Connect types the encoder knows,
 * and the same substitutions reported for numeric NaN and ±Infinity.
 */
class StagingRecordEncodingTest {

    private static final Schema NUMERIC = numericText("NUMERIC");

    /** The columns of IngestTypesITCase's table, as the pgoutput stream describes them. */
    static final Schema ROW =
            SchemaBuilder.struct()
                    .name("payments.public.everything.Value")
                    .optional()
                    .field("id", Schema.INT64_SCHEMA)
                    .field("amount", NUMERIC)
                    .field("exact", NUMERIC)
                    .field("big", NUMERIC)
                    .field(
                            "nums",
                            SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA)
                                    .optional()
                                    .parameter(ChangeEventEncoder.SOURCE_TYPE_PARAMETER, "_NUMERIC")
                                    .build())
                    .field("ratio", Schema.OPTIONAL_FLOAT64_SCHEMA)
                    .field("t", logical(SchemaBuilder.int64(), "io.debezium.time.MicroTime"))
                    .field("ttz", logical(SchemaBuilder.string(), "io.debezium.time.ZonedTime"))
                    .field("d", logical(SchemaBuilder.int32(), "io.debezium.time.Date"))
                    .field("ts", logical(SchemaBuilder.int64(), "io.debezium.time.MicroTimestamp"))
                    .field(
                            "tstz",
                            logical(SchemaBuilder.string(), "io.debezium.time.ZonedTimestamp"))
                    .field("ints", SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional())
                    .field("tags", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional())
                    .field("doc", logical(SchemaBuilder.string(), "io.debezium.data.Json"))
                    .field("docb", logical(SchemaBuilder.string(), "io.debezium.data.Json"))
                    .field("u", logical(SchemaBuilder.string(), "io.debezium.data.Uuid"))
                    .field("b", Schema.OPTIONAL_BYTES_SCHEMA)
                    .field("iv", logical(SchemaBuilder.string(), "io.debezium.time.Interval"))
                    .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                    .build();

    /** Connect types and logical types beyond that table: all the encoder's other branches. */
    static final Schema OTHERS =
            SchemaBuilder.struct()
                    .name("payments.public.others.Value")
                    .optional()
                    .field("id", Schema.INT32_SCHEMA)
                    .field("small", Schema.OPTIONAL_INT16_SCHEMA)
                    .field("tiny", Schema.OPTIONAL_INT8_SCHEMA)
                    .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
                    .field("real", Schema.OPTIONAL_FLOAT32_SCHEMA)
                    .field("money", numericText("MONEY"))
                    .field("dec", Decimal.builder(3).optional().build())
                    .field(
                            "vdec",
                            SchemaBuilder.struct()
                                    .name("io.debezium.data.VariableScaleDecimal")
                                    .optional()
                                    .field("scale", Schema.INT32_SCHEMA)
                                    .field("value", Schema.BYTES_SCHEMA)
                                    .build())
                    .field("ms", logical(SchemaBuilder.int64(), "io.debezium.time.Timestamp"))
                    .field("ns", logical(SchemaBuilder.int64(), "io.debezium.time.NanoTimestamp"))
                    .field("cts", Timestamp.builder().optional().build())
                    .field("cdate", org.apache.kafka.connect.data.Date.builder().optional().build())
                    .field("tms", logical(SchemaBuilder.int32(), "io.debezium.time.Time"))
                    .field("tns", logical(SchemaBuilder.int64(), "io.debezium.time.NanoTime"))
                    .field(
                            "attrs",
                            SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA)
                                    .optional()
                                    .build())
                    .field(
                            "nested",
                            SchemaBuilder.struct()
                                    .optional()
                                    .field("n", Schema.OPTIONAL_INT64_SCHEMA)
                                    .field(
                                            "ratios",
                                            SchemaBuilder.array(Schema.OPTIONAL_FLOAT64_SCHEMA)
                                                    .optional()
                                                    .build())
                                    .build())
                    .field("text", Schema.OPTIONAL_STRING_SCHEMA)
                    .build();

    private static final Schema SOURCE =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.postgresql.Source")
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
                    .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("schema", Schema.STRING_SCHEMA)
                    .field("table", Schema.STRING_SCHEMA)
                    .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    @Test
    void streamingWritesTheTreeEncodersBytesForEveryType() throws Exception {
        StagingRecordDeserializer tree = deserializer();
        StagingRecordDeserializer streaming = deserializer();
        List<SourceRecord> records = new ArrayList<>();
        for (String op : new String[] {"r", "c"}) {
            records.add(change("everything", ROW, op, null, ordinaryRow(1)));
            records.add(change("everything", ROW, op, null, edgeRow(2, "NaN", "Infinity")));
            records.add(change("everything", ROW, op, null, nullRow(3)));
        }
        records.add(
                change("everything", ROW, "u", ordinaryRow(1), edgeRow(1, "12.5", "-Infinity")));
        records.add(change("everything", ROW, "d", edgeRow(2, "NaN", "NEGATIVE_INFINITY"), null));
        records.add(change("others", OTHERS, "c", null, othersRow(1)));
        records.add(change("others", OTHERS, "u", othersRow(1), othersNullRow(1)));
        records.add(change("others", OTHERS, "d", othersNullRow(1), null));

        int substituted = 0;
        for (SourceRecord record : records) {
            ChangeEventEncoder.Substitutions treeSubstitutions =
                    new ChangeEventEncoder.Substitutions();
            ChangeEventEncoder.Substitutions streamingSubstitutions =
                    new ChangeEventEncoder.Substitutions();
            StagingRecord expected =
                    tree.encodeTree(record, (Struct) record.value(), treeSubstitutions);
            StagingRecord actual =
                    streaming.encodeStreaming(
                            record, (Struct) record.value(), streamingSubstitutions);

            assertThat(actual.topic).isEqualTo(expected.topic);
            assertThat(text(actual.value)).isEqualTo(text(expected.value));
            assertThat(text(actual.key)).isEqualTo(text(expected.key));
            assertThat(streamingSubstitutions.entries()).isEqualTo(treeSubstitutions.entries());
            substituted += treeSubstitutions.entries().size();
        }
        // the comparison covered the special numerics, not only ordinary values
        assertThat(substituted).isEqualTo(13);
        assertThat(text(encodeStreaming(records.get(1)).value))
                .contains("\"amount\":null", "\"big\":null", "\"nums\":[null,\"0.10\",null]");
    }

    @Test
    void aColumnThatFailsLeavesTheNextChangeWhole() throws Exception {
        StagingRecordDeserializer streaming = deserializer();
        StagingRecordDeserializer tree = deserializer();
        Struct broken = othersRow(1).put("tns", 123_456_789_000_000_000L);
        SourceRecord failing = change("others", OTHERS, "c", null, broken);
        SourceRecord next = change("everything", ROW, "c", null, ordinaryRow(1));

        assertThatThrownBy(
                        () ->
                                streaming.encodeStreaming(
                                        failing,
                                        (Struct) failing.value(),
                                        new ChangeEventEncoder.Substitutions()))
                .isInstanceOf(ChangeEventEncoder.ColumnEncodingException.class)
                .hasMessageContaining("column 'tns'")
                .hasMessageNotContaining("123456789");
        StagingRecord after =
                streaming.encodeStreaming(
                        next, (Struct) next.value(), new ChangeEventEncoder.Substitutions());

        StagingRecord expected =
                tree.encodeTree(
                        next, (Struct) next.value(), new ChangeEventEncoder.Substitutions());
        assertThat(text(after.value)).isEqualTo(text(expected.value));
        assertThat(text(after.key)).isEqualTo(text(expected.key));
    }

    @Test
    void aBigChangeGrowsTheBufferAndTheNextSmallOneIsNotPaddedWithIt() throws Exception {
        StagingRecordDeserializer streaming = deserializer();
        StagingRecordDeserializer tree = deserializer();
        Struct big = ordinaryRow(1).put("note", "x".repeat(100_000));
        for (SourceRecord record :
                List.of(
                        change("everything", ROW, "c", null, big),
                        change("everything", ROW, "c", null, nullRow(2)))) {
            StagingRecord actual =
                    streaming.encodeStreaming(
                            record,
                            (Struct) record.value(),
                            new ChangeEventEncoder.Substitutions());
            StagingRecord expected =
                    tree.encodeTree(
                            record,
                            (Struct) record.value(),
                            new ChangeEventEncoder.Substitutions());
            assertThat(actual.value).isEqualTo(expected.value);
            assertThat(actual.key).isEqualTo(expected.key);
        }
    }

    private static StagingRecord encodeStreaming(SourceRecord record) throws Exception {
        return deserializer()
                .encodeStreaming(
                        record, (Struct) record.value(), new ChangeEventEncoder.Substitutions());
    }

    private static StagingRecordDeserializer deserializer() {
        return new StagingRecordDeserializer("staging", "payments", "staging.dead_letter");
    }

    static Struct ordinaryRow(long id) {
        return new Struct(ROW)
                .put("id", id)
                .put("amount", "12.34")
                .put("exact", "1.5000000000")
                .put("big", "98765.4321")
                .put("nums", Arrays.asList("1.50", "-2.00"))
                .put("ratio", 0.25)
                .put("t", 36_930_500_000L)
                .put("ttz", "08:15:30Z")
                .put("d", (int) LocalDate.of(2024, 2, 29).toEpochDay())
                .put("ts", 1_709_212_455_123_456L)
                .put("tstz", "2024-02-28T23:02:03.456789Z")
                .put("ints", Arrays.asList(1, null, 3))
                .put("tags", Arrays.asList("a b", "", "é \"quoted\" \\ \n\t\u0001 ✓"))
                .put("doc", "{\"k\": [1, 2]}")
                .put("docb", "{\"k\": [1, 2]}")
                .put("u", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
                .put(
                        "b",
                        ByteBuffer.wrap(
                                new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}))
                .put("iv", "P1Y2M3DT4H5M6.78S")
                .put("note", "secret text");
    }

    /** Extremes: special numerics, the epoch's edges, 24:00, negative floats, huge decimals. */
    static Struct edgeRow(long id, String amount, String big) {
        return new Struct(ROW)
                .put("id", id)
                .put("amount", amount)
                .put("exact", "-0.0000000001")
                .put("big", big)
                .put("nums", Arrays.asList("NEGATIVE_INFINITY", "0.10", null))
                .put("ratio", -1.0e-300)
                .put("t", 86_400_000_000L)
                .put("ttz", "23:59:59.999999-14:00")
                .put("d", (int) LocalDate.of(1969, 7, 20).toEpochDay())
                .put("ts", -1L)
                .put("tstz", "1969-12-31T23:59:59.999999Z")
                .put("ints", List.of(Integer.MIN_VALUE, Integer.MAX_VALUE))
                .put("tags", List.of())
                .put("doc", "[]")
                .put("docb", "null")
                .put("u", "00000000-0000-0000-0000-000000000000")
                .put("b", new byte[0])
                .put("iv", "P-1Y-2M3DT-4H-5M-6S")
                .put("note", "1E+3");
    }

    static Struct nullRow(long id) {
        Struct row = new Struct(ROW).put("id", id);
        row.put("amount", "1E+3"); // scientific notation becomes plain 1000
        return row;
    }

    static Struct othersRow(int id) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("colour", "green");
        attrs.put("none", null);
        Schema nested = OTHERS.field("nested").schema();
        Schema vdec = OTHERS.field("vdec").schema();
        return new Struct(OTHERS)
                .put("id", id)
                .put("small", (short) -32768)
                .put("tiny", (byte) 127)
                .put("flag", true)
                .put("real", 3.4028235e38f)
                .put("money", "-92233720368547758.08")
                .put("dec", new BigDecimal("1E+5").setScale(3))
                .put(
                        "vdec",
                        new Struct(vdec)
                                .put("scale", 3)
                                .put(
                                        "value",
                                        new BigDecimal("-12.345").unscaledValue().toByteArray()))
                .put("ms", 1_709_212_455_123L)
                .put("ns", -1_500_000_001L)
                .put("cts", new Date(1_709_212_455_000L))
                .put("cdate", new Date(LocalDate.of(2024, 2, 29).toEpochDay() * 86_400_000L))
                .put("tms", 86_400_000)
                .put("tns", 1L)
                .put("attrs", attrs)
                .put(
                        "nested",
                        new Struct(nested)
                                .put("n", Long.MIN_VALUE)
                                .put(
                                        "ratios",
                                        Arrays.asList(
                                                Double.NaN,
                                                Double.POSITIVE_INFINITY,
                                                0.1,
                                                null,
                                                1e21)))
                .put("text", "plain");
    }

    static Struct othersNullRow(int id) {
        return new Struct(OTHERS)
                .put("id", id)
                .put("real", Float.NaN)
                .put("flag", false)
                .put("money", "NaN");
    }

    static SourceRecord change(
            String table, Schema rowSchema, String op, Struct before, Struct after) {
        Schema envelope =
                SchemaBuilder.struct()
                        .name("payments.public." + table + ".Envelope")
                        .field("before", rowSchema)
                        .field("after", rowSchema)
                        .field("source", SOURCE)
                        .field("op", Schema.STRING_SCHEMA)
                        .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                        .field(
                                "transaction",
                                SchemaBuilder.struct()
                                        .optional()
                                        .field("id", Schema.STRING_SCHEMA)
                                        .build())
                        .build();
        Struct source =
                new Struct(SOURCE)
                        .put("version", "1.9.8.Final")
                        .put("connector", "postgresql")
                        .put("name", "postgres_cdc_source")
                        .put("ts_ms", 1_709_212_455_000L)
                        .put("snapshot", op.equals("r") ? "true" : "false")
                        .put("db", "payments")
                        .put("schema", "public")
                        .put("table", table)
                        .put("txId", op.equals("r") ? null : 4242L)
                        .put("lsn", op.equals("r") ? null : 123_456_789L);
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
                        .name("payments.public." + table + ".Key")
                        .field("id", rowSchema.field("id").schema())
                        .build();
        Struct key = new Struct(keySchema).put("id", row.get("id"));
        return new SourceRecord(
                Map.of("server", "payments"),
                Map.of("lsn", 123_456_789L),
                "payments.public." + table,
                null,
                keySchema,
                key,
                envelope,
                value);
    }

    private static Schema numericText(String type) {
        return SchemaBuilder.string()
                .optional()
                .parameter(ChangeEventEncoder.SOURCE_TYPE_PARAMETER, type)
                .build();
    }

    private static Schema logical(SchemaBuilder builder, String name) {
        return builder.name(name).optional().build();
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
