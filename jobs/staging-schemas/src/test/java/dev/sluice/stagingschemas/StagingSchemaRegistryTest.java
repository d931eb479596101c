package dev.sluice.stagingschemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StagingSchemaRegistryTest {

    @Test
    void registryRecordsRoundTripInTheAgreedShape() {
        StagingSchema schema =
                new StagingSchema(
                        "staging.payments.public.customers",
                        "00000000000000b2",
                        "00000000000000a1",
                        List.of(
                                new StagingColumn("id", "BIGINT", false, true),
                                new StagingColumn("amount", "DECIMAL(14, 2)", true, false),
                                new StagingColumn("tier", "STRING", true, false)),
                        Instant.parse("2026-12-06T18:00:00Z"),
                        new SchemaChange(
                                List.of("tier"),
                                List.of("fax"),
                                List.of(
                                        new SchemaChange.TypeChange(
                                                "amount", "DECIMAL(12, 2)", "DECIMAL(14, 2)")),
                                List.of(),
                                List.of()));
        String json = StagingSchemaRegistry.toJson(schema);
        assertThat(json)
                .contains("\"topic\":\"staging.payments.public.customers\"")
                .contains("\"changed_at\":\"2026-12-06T18:00:00Z\"")
                .contains("\"change\":{\"added\":[\"tier\"],\"dropped\":[\"fax\"]");
        assertThat(StagingSchemaRegistry.fromJson(json)).isEqualTo(schema);
        assertThat(StagingSchemaRegistry.topic("staging")).isEqualTo("staging._schemas");
    }
}
