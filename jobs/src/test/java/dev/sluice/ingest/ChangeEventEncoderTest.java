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

        String json = ChangeEventEncoder.encodeStruct(row).toString();

        assertThat(json)
                .isEqualTo(
                        "{\"id\":7,\"amount\":20.00,\"day\":\"2024-02-29\","
                                + "\"at\":\"2024-02-29T00:00:00.123456\",\"at_tz\":\"2024-02-29T00:00:00.5Z\","
                                + "\"blob\":\"aGk=\",\"note\":null}");
    }

    @Test
    void timestampsBeforeTheEpochAndOnWholeSecondsKeepTheirSeconds() {
        Schema micros = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build();

        assertThat(ChangeEventEncoder.encode(micros, -1L).asText())
                .isEqualTo("1969-12-31T23:59:59.999999");
        assertThat(ChangeEventEncoder.encode(micros, 0L).asText()).isEqualTo("1970-01-01T00:00:00");
    }

    @Test
    void variableScaleDecimalsBecomePlainNumbers() {
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

        assertThat(ChangeEventEncoder.encode(variable, value).decimalValue())
                .isEqualByComparingTo("-12.345");
    }

    @Test
    void nonFiniteFloatsBecomeTextBecauseJsonHasNoNaN() {
        assertThat(ChangeEventEncoder.encode(Schema.FLOAT64_SCHEMA, Double.NaN).isTextual())
                .isTrue();
        assertThat(ChangeEventEncoder.encode(Schema.FLOAT64_SCHEMA, Double.NaN).asText())
                .isEqualTo("NaN");
        assertThat(
                        ChangeEventEncoder.encode(Schema.FLOAT32_SCHEMA, Float.NEGATIVE_INFINITY)
                                .asText())
                .isEqualTo("-Infinity");
        assertThat(ChangeEventEncoder.encode(Schema.FLOAT64_SCHEMA, 1.5).doubleValue())
                .isEqualTo(1.5);
    }

    @Test
    void timesOnAWholeMinuteKeepTheirSeconds() {
        Schema micros = SchemaBuilder.int64().name("io.debezium.time.MicroTime").build();

        assertThat(ChangeEventEncoder.encode(micros, (10 * 3600L + 15 * 60) * 1_000_000L).asText())
                .isEqualTo("10:15:00");
        assertThat(ChangeEventEncoder.encode(micros, 1_500_000L).asText()).isEqualTo("00:00:01.5");
    }
}
