package dev.sluice.stagingschemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StagingSchemasTest {

    private static final List<StagingColumn> CUSTOMERS =
            List.of(
                    new StagingColumn("id", "BIGINT", false, true),
                    new StagingColumn("name", "STRING", true, false),
                    new StagingColumn("score", "INT", true, false),
                    new StagingColumn("balance", "DECIMAL(12, 2)", true, false),
                    new StagingColumn("seen_at", "TIMESTAMP(3)", true, false),
                    new StagingColumn("ratio", "FLOAT", true, false),
                    new StagingColumn("code", "VARCHAR(10)", true, false),
                    new StagingColumn("fax", "STRING", true, false));

    @Test
    void theFingerprintIsSixteenHexOfTheColumnsAndChangesWithAnyOfThem() {
        String v = StagingSchemas.fingerprint(CUSTOMERS);
        assertThat(v).matches("[0-9a-f]{16}");
        assertThat(StagingSchemas.fingerprint(List.copyOf(CUSTOMERS))).isEqualTo(v);
        // the documented algorithm, written out
        assertThat(v).isEqualTo(sha256Prefix(CUSTOMERS));
        assertThat(
                        StagingSchemas.fingerprint(
                                List.of(new StagingColumn("id", "BIGINT", true, true))))
                .isNotEqualTo(
                        StagingSchemas.fingerprint(
                                List.of(new StagingColumn("id", "BIGINT", false, true))));
        assertThat(
                        StagingSchemas.fingerprint(
                                List.of(
                                        new StagingColumn("a", "INT", true, false),
                                        new StagingColumn("b", "INT", true, false))))
                .as("column order counts")
                .isNotEqualTo(
                        StagingSchemas.fingerprint(
                                List.of(
                                        new StagingColumn("b", "INT", true, false),
                                        new StagingColumn("a", "INT", true, false))));
    }

    private static String sha256Prefix(List<StagingColumn> columns) {
        StringBuilder text = new StringBuilder();
        for (StagingColumn c : columns) {
            text.append(c.name() + "\t" + c.type() + "\t" + (c.nullable() ? 1 : 0) + "\t")
                    .append(c.key() ? 1 : 0)
                    .append('\n');
        }
        try {
            byte[] d =
                    java.security.MessageDigest.getInstance("SHA-256")
                            .digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theChangeSortsEveryColumnIntoAddedDroppedWidenedNarrowedOrRetyped() {
        List<StagingColumn> after =
                List.of(
                        new StagingColumn("id", "BIGINT", false, true),
                        new StagingColumn("name", "STRING", true, false),
                        new StagingColumn("score", "BIGINT", true, false),
                        new StagingColumn("balance", "DECIMAL(14, 2)", true, false),
                        new StagingColumn("seen_at", "TIMESTAMP(6)", true, false),
                        new StagingColumn("ratio", "DOUBLE", true, false),
                        new StagingColumn("code", "VARCHAR(5)", true, false),
                        new StagingColumn("loyalty_tier", "STRING", true, false));
        SchemaChange change = StagingSchemas.compare(CUSTOMERS, after);
        assertThat(change.added()).extracting(StagingColumn::name).containsExactly("loyalty_tier");
        assertThat(change.dropped()).extracting(StagingColumn::name).containsExactly("fax");
        assertThat(change.widened())
                .extracting(SchemaChange.TypeChange::name)
                .containsExactly("score", "balance", "seen_at", "ratio");
        assertThat(change.narrowed())
                .containsExactly(new SchemaChange.TypeChange("code", "VARCHAR(10)", "VARCHAR(5)"));
        assertThat(change.retyped()).isEmpty();
        assertThat(change.summary())
                .startsWith("added loyalty_tier STRING; dropped fax; widened score INT -> BIGINT");

        SchemaChange back = StagingSchemas.compare(after, CUSTOMERS);
        assertThat(back.narrowed())
                .extracting(SchemaChange.TypeChange::name)
                .containsExactly("score", "balance", "seen_at", "ratio");
        assertThat(back.widened())
                .extracting(SchemaChange.TypeChange::name)
                .containsExactly("code");
    }

    @Test
    void typeChangesThatAreNeitherWideningNorNarrowingAreRetyped() {
        assertThat(StagingSchemas.typeChange("DECIMAL(12, 2)", "DECIMAL(12, 3)"))
                .isEqualTo(StagingSchemas.Direction.RETYPED);
        assertThat(StagingSchemas.typeChange("INT", "STRING"))
                .isEqualTo(StagingSchemas.Direction.RETYPED);
        assertThat(StagingSchemas.typeChange("TIMESTAMP(6)", "TIMESTAMP_LTZ(6)"))
                .isEqualTo(StagingSchemas.Direction.RETYPED);
        assertThat(StagingSchemas.typeChange("VARCHAR(10)", "STRING"))
                .isEqualTo(StagingSchemas.Direction.WIDENED);
        assertThat(StagingSchemas.typeChange("VARBINARY(4)", "STRING"))
                .isEqualTo(StagingSchemas.Direction.RETYPED);
        assertThat(StagingSchemas.typeChange("SMALLINT", "TINYINT"))
                .isEqualTo(StagingSchemas.Direction.NARROWED);
        assertThat(StagingSchemas.typeChange("DECIMAL(12,2)", "DECIMAL(12, 2)"))
                .isEqualTo(StagingSchemas.Direction.SAME);
    }

    @Test
    void nextGivesARecordOnlyWhenTheVersionChanges() {
        Instant t0 = Instant.parse("2026-12-06T10:00:00Z");
        StagingSchema first =
                StagingSchemas.next(null, "staging.shop.public.customers", CUSTOMERS, t0);
        assertThat(first.previous()).isNull();
        assertThat(first.change().isEmpty()).isTrue();
        assertThat(StagingSchemas.next(first, first.topic(), CUSTOMERS, t0.plusSeconds(5)))
                .isNull();
        List<StagingColumn> more = new java.util.ArrayList<>(CUSTOMERS);
        more.add(new StagingColumn("loyalty_tier", "STRING", true, false));
        StagingSchema second = StagingSchemas.next(first, first.topic(), more, t0.plusSeconds(9));
        assertThat(second.previous()).isEqualTo(first.version());
        assertThat(second.version()).isNotEqualTo(first.version());
        assertThat(second.change().added())
                .extracting(StagingColumn::name)
                .containsExactly("loyalty_tier");
    }

    @Test
    void theJsonIsTheContractsAndRoundTrips() {
        Instant t0 = Instant.parse("2026-12-06T10:00:00Z");
        StagingSchema first =
                StagingSchemas.next(null, "staging.shop.public.customers", CUSTOMERS, t0);
        List<StagingColumn> after = new java.util.ArrayList<>(CUSTOMERS.subList(0, 7));
        after.set(2, new StagingColumn("score", "BIGINT", true, false));
        StagingSchema second = StagingSchemas.next(first, first.topic(), after, t0.plusSeconds(1));
        String json = new String(StagingSchemas.toBytes(second), StandardCharsets.UTF_8);
        assertThat(json)
                .contains("\"topic\":\"staging.shop.public.customers\"")
                .contains("\"previous\":\"" + first.version() + "\"")
                .contains("{\"name\":\"id\",\"type\":\"BIGINT\",\"nullable\":false,\"key\":true}")
                .contains("\"changed_at\":\"2026-12-06T10:00:01Z\"")
                .contains("\"widened\":[{\"name\":\"score\",\"from\":\"INT\",\"to\":\"BIGINT\"}]")
                .contains("\"dropped\":[{\"name\":\"fax\"");
        assertThat(StagingSchemas.fromJson(json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(second);
        assertThat(StagingSchemas.fromJson(StagingSchemas.toBytes(first))).isEqualTo(first);
        assertThatThrownBy(
                        () ->
                                StagingSchemas.fromJson(
                                        "{\"topic\":\"t\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no text field 'version'");
    }

    @Test
    void connectSchemasMapToTheStagingTablesTypes() {
        assertThat(StagingSchemas.flinkType("INT64", null, null)).isEqualTo("BIGINT");
        assertThat(
                        StagingSchemas.flinkType(
                                "BYTES",
                                "org.apache.kafka.connect.data.Decimal",
                                Map.of("scale", "2", "connect.decimal.precision", "12")))
                .isEqualTo("DECIMAL(12, 2)");
        assertThat(
                        StagingSchemas.flinkType(
                                "STRING",
                                null,
                                Map.of(
                                        "__debezium.source.column.type", "NUMERIC",
                                        "__debezium.source.column.length", "12",
                                        "__debezium.source.column.scale", "2")))
                .isEqualTo("DECIMAL(12, 2)");
        assertThat(StagingSchemas.flinkType("STRING", "io.debezium.time.ZonedTimestamp", null))
                .isEqualTo("TIMESTAMP_LTZ(6)");
        assertThat(StagingSchemas.flinkType("INT64", "io.debezium.time.MicroTimestamp", null))
                .isEqualTo("TIMESTAMP(6)");
        assertThat(StagingSchemas.flinkType("INT32", "io.debezium.time.Date", null))
                .isEqualTo("DATE");
        assertThat(StagingSchemas.flinkType("STRING", "io.debezium.data.Json", null))
                .isEqualTo("STRING");
    }
}
