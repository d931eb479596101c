package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gate.AuditTable;
import java.nio.file.Path;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate through the command line: validate passes the example and rejects a leaky pipeline with
 * located findings and a fix; audit lists the decisions, which also land in the Iceberg table.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GateCommandsTest {
    static final String EXAMPLE = "../sql/pipelines/payments/payments_to_warehouse.sql";
    static final String LEAKY = "../jobs/gate/src/test/resources/gate/leaky_payments.sql";

    @TempDir static Path temp;

    static DeployCommandTest.Run sluice(String... args) {
        return DeployCommandTest.sluice(args);
    }

    static String[] validate(String file, String... more) {
        String[] base = {
            "validate",
            file,
            "--catalog",
            "../sql/catalog",
            "--policy",
            "../sql/policy",
            "--audit-log",
            temp.resolve("audit.jsonl").toString(),
            "--audit-warehouse",
            temp.resolve("audit-warehouse").toUri().toString()
        };
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    @Order(1)
    void validatePassesTheExamplePipeline() {
        DeployCommandTest.Run run = sluice(validate(EXAMPLE));

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("policy gate: PASS").contains("PCI.PAN");
    }

    @Test
    @Order(2)
    void validateRejectsALeakWithPlaceAndProposesAFix() {
        DeployCommandTest.Run run = sluice(validate(LEAKY, "--fix"));

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.out())
                .contains(
                        LEAKY
                                + ":11:1: error: policy gate: LEAK"
                                + " warehouse.payments.cards.card_number <-"
                                + " default_catalog.staging.payments_cards.card_number [PCI.PAN]"
                                + " rule pci-pan")
                .contains("Fix: wrap the value in mask_show_last_n")
                .contains("--- a/" + LEAKY)
                .contains("+SELECT id, 'mailto:' || mask_hash(email), mask_show_last_n(phone, 2),")
                .contains("+SELECT id, customer_id, mask_show_last_n(card_number, 4), brand,");
    }

    @Test
    @Order(3)
    void auditListsAndFiltersTheDecisions() throws Exception {
        String log = temp.resolve("audit.jsonl").toString();

        DeployCommandTest.Run all = sluice("audit", "--log", log);
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out())
                .contains("PASS")
                .contains("REJECT")
                .contains("payments_to_warehouse")
                .contains("2 decisions.");

        DeployCommandTest.Run rejected =
                sluice(
                        "audit",
                        "--log",
                        log,
                        "--decision",
                        "reject",
                        "--since",
                        "1h",
                        "--format",
                        "json");
        JsonNode records = new ObjectMapper().readTree(rejected.out());
        assertThat(records).hasSize(1);
        JsonNode record = records.get(0);
        assertThat(record.path("pipeline").asText()).isEqualTo("leaky_payments");
        assertThat(record.path("owner").asText()).isEqualTo("payments");
        assertThat(record.path("context").asText()).isEqualTo("validate");
        assertThat(record.path("contentHash").asText()).hasSize(64);
        assertThat(record.path("ruleIds").toString()).contains("pci-pan").contains("pii-email");
        assertThat(record.path("findings").toString())
                .contains("warehouse.payments.cards")
                .contains("card_number");

        assertThat(sluice("audit", "--log", log, "--pipeline", "nope").out())
                .contains("0 decisions.");
        assertThat(sluice("audit", "--log", log, "--since", "yesterday").err())
                .contains("Invalid --since: 'yesterday'");

        assertThat(new AuditTable(temp.resolve("audit-warehouse").toUri().toString()).rows())
                .extracting(r -> r.getField("decision"))
                .containsExactlyInAnyOrder("PASS", "REJECT");
    }

    @Test
    @Order(4)
    void submitRefusesALeakyPipelineBeforeContactingTheCluster() {
        DeployCommandTest.Run run =
                sluice(
                        "submit",
                        LEAKY,
                        "--catalog",
                        "../sql/catalog",
                        "--policy",
                        "../sql/policy",
                        "--audit-log",
                        temp.resolve("submit-audit.jsonl").toString(),
                        "--var",
                        "KAFKA_BOOTSTRAP_SERVERS=kafka.example:9092",
                        "--var",
                        "ICEBERG_CATALOG_TYPE=rest",
                        "--var",
                        "ICEBERG_WAREHOUSE=s3://warehouse",
                        "--rest",
                        "http://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err())
                .contains("Refusing to submit " + LEAKY + ": the policy gate rejects it.")
                .contains(LEAKY + ":11:1: LEAK warehouse.payments.cards.card_number")
                .contains("sluice validate --fix");
        assertThat(sluice("audit", "--log", temp.resolve("submit-audit.jsonl").toString()).out())
                .contains("REJECT")
                .contains("submit");
    }

    @Test
    @Order(4)
    void runRefusesALeakyPipelineBeforeStartingALocalCluster() {
        DeployCommandTest.Run run =
                sluice(
                        "run",
                        LEAKY,
                        "--catalog",
                        "../sql/catalog",
                        "--policy",
                        "../sql/policy",
                        "--audit-log",
                        temp.resolve("run-audit.jsonl").toString(),
                        "--work-dir",
                        temp.resolve("run").toString(),
                        "--var",
                        "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1",
                        "--var",
                        "ICEBERG_CATALOG_TYPE=hadoop",
                        "--var",
                        "ICEBERG_WAREHOUSE=" + temp.resolve("warehouse").toUri());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err())
                .contains("Refusing to run " + LEAKY + ": the policy gate rejects it.")
                .contains(LEAKY + ":11:1: LEAK warehouse.payments.cards.card_number");
        assertThat(run.out()).doesNotContain("Web UI");
        assertThat(sluice("audit", "--log", temp.resolve("run-audit.jsonl").toString()).out())
                .contains("REJECT")
                .contains("run");
    }

    @Test
    @Order(5)
    void deployRenderRefusesALeakyPipelineOfTheSqlFolder() throws Exception {
        Path sql = temp.resolve("repo").resolve("sql");
        Path pipelines = java.nio.file.Files.createDirectories(sql.resolve("pipelines/payments"));
        for (String folder : new String[] {"catalog", "policy"}) {
            java.nio.file.Files.createDirectories(sql.resolve(folder));
            try (var files = java.nio.file.Files.list(Path.of("../sql", folder))) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.copy(f, sql.resolve(folder).resolve(f.getFileName()));
                }
            }
        }
        Path leaky = pipelines.resolve("leaky_payments.sql");
        java.nio.file.Files.copy(Path.of(LEAKY), leaky);

        DeployCommandTest.Run run =
                sluice("deploy", "render", leaky.toString(), "--image-tag", "1");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err())
                .contains("Refusing to render")
                .contains(
                        "policy gate: "
                                + leaky
                                + ":11:1: LEAK warehouse.payments.cards.card_number");
        assertThat(run.out()).isEmpty();
    }

    @Test
    @Order(6)
    void aBrokenPolicyIsReportedWithFileAndLine() throws Exception {
        Path policy = temp.resolve("bad-policy.yaml");
        java.nio.file.Files.writeString(policy, "teams:\n  payments: {reads: payments}\n");

        DeployCommandTest.Run run =
                sluice(
                        "validate",
                        EXAMPLE,
                        "--catalog",
                        "../sql/catalog",
                        "--policy",
                        policy.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err()).contains(policy + ":2:").contains("/teams/payments/reads");
    }
}
