package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ingest.IngestConfig;
import dev.sluice.ingest.IngestOptions;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice ingest} derives {@code staging.encryption.columns} from the shipped policy's
 * subjects: and classifications:, as it derives topic retention from retention:.
 */
class IngestEncryptionColumnsTest {

    @Test
    void theShippedPolicyEncryptsClassifiedColumnsPerCustomer() {
        Configuration options = new Configuration();
        options.set(IngestOptions.POSTGRES_DATABASE, "payments");
        options.set(IngestOptions.SLOT_NAME, "payments_slot");
        options.set(IngestOptions.KAFKA_BOOTSTRAP_SERVERS, "localhost:9092");
        options.set(
                IngestOptions.TABLES,
                List.of("public.customers", "public.cards", "public.merchants"));
        IngestConfig config = IngestConfig.from(options, Map.of());
        IngestCommand command = new IngestCommand();
        command.policy = List.of("../sql/policy");
        assertThat(command.encryptedColumns(config))
                .isEqualTo(
                        "public.customers:customer:id:email,name,phone;"
                                + "public.cards:customer:customer_id:card_number");
    }
}
