package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.staging.StagingRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.util.Collector;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Dead-letter records say which row, where and why, and never carry column values. */
class StagingRecordDeserializerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Schema KEY =
            SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();

    private static final Schema ROW =
            SchemaBuilder.struct()
                    .optional()
                    .field("id", Schema.INT64_SCHEMA)
                    .field("email", Schema.OPTIONAL_STRING_SCHEMA)
                    .field(
                            "amount",
                            SchemaBuilder.string()
                                    .optional()
                                    .parameter(ChangeEventEncoder.SOURCE_TYPE_PARAMETER, "NUMERIC")
                                    .build())
                    .field(
                            "opens",
                            SchemaBuilder.int64()
                                    .name("io.debezium.time.MicroTime")
                                    .optional()
                                    .build())
                    .build();

    private static final Schema SOURCE =
            SchemaBuilder.struct()
                    .field("db", Schema.STRING_SCHEMA)
                    .field("schema", Schema.STRING_SCHEMA)
                    .field("table", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    private static final Schema ENVELOPE =
            SchemaBuilder.struct()
                    .field("before", ROW)
                    .field("after", ROW)
                    .field("source", SOURCE)
                    .field("op", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    @Test
    void anUnencodableChangeGoesToDeadLetterWithKeyPositionAndReasonOnly() throws Exception {
        // 25 hours: no time of day, so the encoder fails on column 'opens'
        List<StagingRecord> out = deserialize(change("12.50", 90_000_000_000L));

        assertThat(out).hasSize(1);
        assertThat(out.get(0).topic).isEqualTo("staging.shop.dead-letter");
        String letter = new String(out.get(0).value, StandardCharsets.UTF_8);
        JsonNode json = JSON.readTree(letter);
        assertThat(json.get("outcome").asText()).isEqualTo("not_staged");
        assertThat(json.get("table").asText()).isEqualTo("public.orders");
        assertThat(json.get("op").asText()).isEqualTo("u");
        assertThat(json.get("key").toString()).isEqualTo("{\"id\":42}");
        assertThat(json.get("source").get("lsn").asText()).isEqualTo("123456789");
        assertThat(json.get("source").get("txId").asText()).isEqualTo("777");
        assertThat(json.get("error").asText()).isEqualTo("java.time.DateTimeException");
        assertThat(json.get("message").asText()).contains("column 'opens'");
        assertThat(letter).doesNotContain("alice@example.com", "12.50", "90000000000");
    }

    @Test
    void numericNaNIsStagedAsNullAndNotedInDeadLetterWithoutValues() throws Exception {
        List<StagingRecord> out = deserialize(change("NaN", 3_600_000_000L));

        assertThat(out).hasSize(2);
        JsonNode staged = JSON.readTree(out.get(0).value);
        assertThat(out.get(0).topic).isEqualTo("staging.shop.public.orders");
        assertThat(staged.get("after").get("amount").isNull()).isTrue();
        assertThat(staged.get("after").get("email").asText()).isEqualTo("alice@example.com");
        assertThat(staged.get("after").get("opens").asText()).isEqualTo("01:00:00");

        String letter = new String(out.get(1).value, StandardCharsets.UTF_8);
        JsonNode json = JSON.readTree(letter);
        assertThat(out.get(1).topic).isEqualTo("staging.shop.dead-letter");
        assertThat(json.get("outcome").asText()).isEqualTo("staged_with_nulls");
        assertThat(json.get("key").toString()).isEqualTo("{\"id\":42}");
        assertThat(json.get("substitutions").toString())
                .contains("\"column\":\"before.amount\"", "\"column\":\"after.amount\"")
                .contains("\"special_value\":\"NaN\"");
        assertThat(letter).doesNotContain("alice@example.com", "01:00", "3600000000");
    }

    private static SourceRecord change(String amount, long opensMicros) {
        Struct row =
                new Struct(ROW)
                        .put("id", 42L)
                        .put("email", "alice@example.com")
                        .put("amount", amount)
                        .put("opens", opensMicros);
        Struct source =
                new Struct(SOURCE)
                        .put("db", "shop")
                        .put("schema", "public")
                        .put("table", "orders")
                        .put("ts_ms", 1L)
                        .put("snapshot", "false")
                        .put("lsn", 123_456_789L)
                        .put("txId", 777L);
        Struct envelope =
                new Struct(ENVELOPE)
                        .put("before", row)
                        .put("after", row)
                        .put("source", source)
                        .put("op", "u")
                        .put("ts_ms", 2L);
        return new SourceRecord(
                Map.of(),
                Map.of(),
                "shop.public.orders",
                KEY,
                new Struct(KEY).put("id", 42L),
                ENVELOPE,
                envelope);
    }

    private static List<StagingRecord> deserialize(SourceRecord record) throws Exception {
        List<StagingRecord> out = new ArrayList<>();
        new StagingRecordDeserializer("staging", "shop", "staging.shop.dead-letter")
                .deserialize(
                        record,
                        new Collector<>() {
                            @Override
                            public void collect(StagingRecord staged) {
                                out.add(staged);
                            }

                            @Override
                            public void close() {}
                        });
        return out;
    }
}
