package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class ChangeEventEncoderTest {

    private static final Schema ROW =
            SchemaBuilder.struct()
                    .field("id", Schema.INT64_SCHEMA)
                    .field("amount", Decimal.builder(2).optional().build())
                    .field(
                            "day",
                            SchemaBuilder.int32().name("io.debezium.time.Date").optional().build())
                    .field(
                            "at",
                            SchemaBuilder.int64()
                                    .name("io.debezium.time.MicroTimestamp")
                                    .optional()
                                    .build())
                    .field(
                            "at_tz",
                            SchemaBuilder.string()
                                    .name("io.debezium.time.ZonedTimestamp")
                                    .optional()
                                    .build())
                    .field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
                    .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                    .build();

    @Test
    void encodesValuesTheWayFlinkDebeziumJsonReadsThem() {
        Struct row =
                new Struct(ROW)
                        .put("id", 7L)
                        .put("amount", new BigDecimal("20.00"))
                        .put("day", (int) LocalDate.of(2024, 2, 29).toEpochDay())
                        .put("at", 1_709_164_800_123_456L)
                        .put("at_tz", "2024-02-29T00:00:00.5Z")
                        .put("blob", "hi".getBytes(StandardCharsets.UTF_8))
                        .put("note", null);

        String json =
                ChangeEventEncoder.encodeStruct(row, new ChangeEventEncoder.Substitutions())
                        .toString();

        assertThat(json)
                .isEqualTo(
                        "{\"id\":7,\"amount\":\"20.00\",\"day\":\"2024-02-29\","
                                + "\"at\":\"2024-02-29T00:00:00.123456\",\"at_tz\":\"2024-02-29T00:00:00.5Z\","
                                + "\"blob\":\"aGk=\",\"note\":null}");
    }

    @Test
    void timestampsBeforeTheEpochAndOnWholeSecondsKeepTheirSeconds() {
        Schema micros = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build();

        assertThat(encode(micros, -1L).asText()).isEqualTo("1969-12-31T23:59:59.999999");
        assertThat(encode(micros, 0L).asText()).isEqualTo("1970-01-01T00:00:00");
    }

    @Test
    void variableScaleDecimalsBecomePlainDecimalText() {
        Schema variable =
                SchemaBuilder.struct()
                        .name("io.debezium.data.VariableScaleDecimal")
                        .field("scale", Schema.INT32_SCHEMA)
                        .field("value", Schema.BYTES_SCHEMA)
                        .build();
        Struct value =
                new Struct(variable)
                        .put("scale", 3)
                        .put("value", new BigDecimal("-12.345").unscaledValue().toByteArray());

        assertThat(encode(variable, value).asText()).isEqualTo("-12.345");
    }

    @Test
    void nonFiniteFloatsBecomeTextBecauseJsonHasNoNaN() {
        assertThat(encode(Schema.FLOAT64_SCHEMA, Double.NaN).isTextual()).isTrue();
        assertThat(encode(Schema.FLOAT64_SCHEMA, Double.NaN).asText()).isEqualTo("NaN");
        assertThat(encode(Schema.FLOAT32_SCHEMA, Float.NEGATIVE_INFINITY).asText())
                .isEqualTo("-Infinity");
        assertThat(encode(Schema.FLOAT64_SCHEMA, 1.5).doubleValue()).isEqualTo(1.5);
    }

    @Test
    void timesOnAWholeMinuteKeepTheirSeconds() {
        Schema micros = SchemaBuilder.int64().name("io.debezium.time.MicroTime").build();

        assertThat(encode(micros, (10 * 3600L + 15 * 60) * 1_000_000L).asText())
                .isEqualTo("10:15:00");
        assertThat(encode(micros, 1_500_000L).asText()).isEqualTo("00:00:01.5");
    }

    @Test
    void timeTwentyFourHundredIsEndOfDayNotAnError() {
        Schema micros = SchemaBuilder.int64().name("io.debezium.time.MicroTime").build();
        Schema millis = SchemaBuilder.int32().name("io.debezium.time.Time").build();

        assertThat(encode(micros, 86_400_000_000L).asText()).isEqualTo("24:00:00");
        assertThat(encode(millis, 86_400_000).asText()).isEqualTo("24:00:00");
        assertThat(encode(millis, 36_900_000).asText()).isEqualTo("10:15:00");
    }

    @Test
    void numericTextBecomesPlainDecimalTextAndNaNBecomesNullWithASubstitution() {
        Schema numeric =
                SchemaBuilder.string()
                        .optional()
                        .parameter(ChangeEventEncoder.SOURCE_TYPE_PARAMETER, "NUMERIC")
                        .build();
        Schema numericArray =
                SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA)
                        .optional()
                        .parameter(ChangeEventEncoder.SOURCE_TYPE_PARAMETER, "_NUMERIC")
                        .build();
        Schema row =
                SchemaBuilder.struct()
                        .field("a", numeric)
                        .field("b", numeric)
                        .field("c", numericArray)
                        .field("text", Schema.OPTIONAL_STRING_SCHEMA)
                        .build();
        ChangeEventEncoder.Substitutions substitutions = new ChangeEventEncoder.Substitutions();

        String json =
                ChangeEventEncoder.encodeStruct(
                                new Struct(row)
                                        .put("a", "1E+3")
                                        .put("b", "NaN")
                                        .put(
                                                "c",
                                                java.util.Arrays.asList(
                                                        "NEGATIVE_INFINITY", "0.10", null))
                                        .put("text", "NaN"),
                                substitutions)
                        .toString();

        assertThat(json)
                .isEqualTo(
                        "{\"a\":\"1000\",\"b\":null,\"c\":[null,\"0.10\",null],\"text\":\"NaN\"}");
        assertThat(substitutions.entries())
                .extracting(
                        ChangeEventEncoder.Substitution::column,
                        ChangeEventEncoder.Substitution::specialValue)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("b", "NaN"),
                        org.assertj.core.groups.Tuple.tuple("c[0]", "-Infinity"));
    }

    @Test
    void aFailingColumnIsNamedWithoutItsValue() {
        Schema row =
                SchemaBuilder.struct()
                        .field(
                                "secret",
                                SchemaBuilder.int64().name("io.debezium.time.MicroTime").build())
                        .build();

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                ChangeEventEncoder.encodeStruct(
                                        new Struct(row).put("secret", 123_456_789_000_000_000L),
                                        new ChangeEventEncoder.Substitutions()))
                .isInstanceOf(ChangeEventEncoder.ColumnEncodingException.class)
                .hasMessageContaining("column 'secret'")
                .hasMessageContaining("io.debezium.time.MicroTime")
                .hasMessageNotContaining("123456789");
    }

    private static org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode encode(
            Schema schema, Object value) {
        return ChangeEventEncoder.encode(schema, value, new ChangeEventEncoder.Substitutions());
    }
}
