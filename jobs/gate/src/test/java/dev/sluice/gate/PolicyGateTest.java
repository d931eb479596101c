package dev.sluice.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyLoader;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate on the example pipelines of {@code sql/} with the example policy. */
class PolicyGateTest {
    static final Path SQL = Path.of("..", "..", "sql");

    @TempDir Path warehouse;

    static PipelinePlanner planner() {
        return PipelinePlanner.create().withModule("sluice", new CorpusFunctions.MaskingModule());
    }

    Pipeline load(Path pipelineFile) {
        return PipelineLoader.load(
                SqlFiles.readCatalog(SQL.resolve("catalog").toString()),
                SqlFiles.read(pipelineFile),
                Variables.builder()
                        .assignment("KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1", false, "test")
                        .assignment("ICEBERG_CATALOG_TYPE=hadoop", false, "test")
                        .assignment("ICEBERG_WAREHOUSE=" + warehouse.toUri(), false, "test")
                        .build());
    }

    static Policy examplePolicy() {
        return PolicyLoader.load(List.of(SQL.resolve("policy")));
    }

    @Test
    void examplePipelinePassesTheExamplePolicy() {
        GateReport report =
                new PolicyGate(examplePolicy())
                        .evaluate(
                                planner()
                                        .plan(
                                                load(
                                                        SQL.resolve(
                                                                "pipelines/payments/payments_to_warehouse.sql"))));

        assertThat(report.findings()).as(report.describe()).isEmpty();
        assertThat(report.classesWritten()).contains("PCI.PAN", "PII.EMAIL", "PII.PHONE");
        assertThat(report.ruleIds()).contains("pci-pan", "pii-email", "pii-phone");
        assertThat(report.contentHash()).hasSize(64);
        assertThat(report.owner()).isEqualTo("payments");
    }

    @Test
    void leakyPipelineIsRejectedWithPlaceColumnsClassRuleAndFix() {
        GateReport report =
                new PolicyGate(examplePolicy())
                        .evaluate(
                                planner()
                                        .plan(
                                                load(
                                                        Path.of(
                                                                "src/test/resources/gate/leaky_payments.sql"))));

        assertThat(report.decision()).isEqualTo("REJECT");
        assertThat(report.findings())
                .filteredOn(f -> f.kind() == Finding.Kind.LEAK)
                .extracting(Finding::describe)
                .containsExactlyInAnyOrder(
                        "src/test/resources/gate/leaky_payments.sql:7:1: LEAK"
                                + " warehouse.payments.customers.email_hash <-"
                                + " default_catalog.staging.payments_customers.email [PII.EMAIL]"
                                + " rule pii-email: Rule pii-email (../../sql/policy/00_org.yaml:13:5)"
                                + " lets PII.EMAIL into zone analytics only through mask_hash |"
                                + " pseudonymize, but it arrives through || (argument 2) with no"
                                + " allowed masking function applied to it. Fix: wrap the value in mask_hash, e.g."
                                + " mask_hash(email) (or pseudonymize).",
                        "src/test/resources/gate/leaky_payments.sql:11:1: LEAK"
                                + " warehouse.payments.cards.card_number <-"
                                + " default_catalog.staging.payments_cards.card_number [PCI.PAN]"
                                + " rule pci-pan: Rule pci-pan (../../sql/policy/00_org.yaml:7:5) lets"
                                + " PCI.PAN into zone analytics only through mask_show_last_n(4),"
                                + " but it arrives as a raw copy. Fix: wrap the value in"
                                + " mask_show_last_n, e.g. mask_show_last_n(card_number, 4).");
    }
}
