package dev.sluice.policy.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.model.PolicyLoader.PolicyText;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyValidatorTest {

    /** A small valid policy; tests append one mistake to it. */
    private static final String BASE =
            """
            version: 1
            sources:
              - {table: staging.payments_*, dataset: payments.*, region: eu-west-1}
            sinks:
              - {table: warehouse.payments.*, zone: analytics, region: eu-west-1}
            classifications:
              payments.customers.email: [PII.EMAIL]
            rules:
              - id: pii-email
                match: PII.EMAIL
                zones: {analytics: [mask_hash, pseudonymize]}
            teams:
              payments: {reads: [payments.*], zone: analytics}
            """;

    private static List<PolicyProblem> problems(String text) {
        try {
            PolicyLoader.compose(List.of(new PolicyText("p.yaml", text)));
            return List.of();
        } catch (PolicyException e) {
            return e.problems();
        }
    }

    private static int lineOf(String text, String needle) {
        String before = text.substring(0, text.indexOf(needle));
        return before.split("\n", -1).length;
    }

    @Test
    void theBasePolicyAndTheExampleFolderAreValid() {
        assertThat(problems(BASE)).isEmpty();
        assertThat(PolicyLoader.load(List.of(java.nio.file.Path.of("..", "sql", "policy"))))
                .isNotNull();
    }

    @Test
    void unknownClassIsReportedAtItsLineWithTheNearestClass() {
        String text = BASE.replace("[PII.EMAIL]", "[PII.EMAL]");
        assertThat(problems(text))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.at().line()).isEqualTo(lineOf(text, "PII.EMAL"));
                            assertThat(p.at().column()).isEqualTo(30);
                            assertThat(p.message())
                                    .contains("Unknown class 'PII.EMAL'")
                                    .contains("Did you mean 'PII.EMAIL'?");
                        });
    }

    @Test
    void classesDeclaredByThePolicyAreKnown() {
        String text =
                BASE.replace("[PII.EMAIL]", "[ORG.LOYALTY_ID]")
                        + "classes:\n  ORG.LOYALTY_ID: loyalty card number\n";
        assertThat(problems(text)).isEmpty();
    }

    @Test
    void unknownMaskingFunctionIsReportedWithTheNearestOne() {
        String text = BASE.replace("[mask_hash, pseudonymize]", "mask_show_lst_n(4)");
        assertThat(problems(text))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.at().line()).isEqualTo(lineOf(text, "mask_show_lst_n"));
                            assertThat(p.message())
                                    .contains("'mask_show_lst_n'")
                                    .contains("Did you mean 'mask_show_last_n'?");
                        });
    }

    @Test
    void tooManyArgumentsAndNonMasksAreRejected() {
        assertThat(problems(BASE.replace("[mask_hash, pseudonymize]", "[mask_hash(4)]")))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("mask_hash takes 1 argument"));
        assertThat(problems(BASE.replace("[mask_hash, pseudonymize]", "decrypt_deterministic")))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("not a masking function"));
        assertThat(
                        problems(
                                BASE.replace(
                                        "[mask_hash, pseudonymize]",
                                        "\"mask_show_last_n(4, 'x')\"")))
                .isEmpty();
    }

    @Test
    void ruleAndResidencyPatternsMustMatchAClass() {
        assertThat(problems(BASE.replace("match: PII.EMAIL", "match: PII.EMAL")))
                .singleElement()
                .satisfies(
                        p ->
                                assertThat(p.message())
                                        .contains("matches no known class")
                                        .contains("PII.EMAIL"));
        assertThat(problems(BASE + "regions:\n  PCX.*: [eu-west-1]\n"))
                .singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("/regions/PCX.*"));
    }

    @Test
    void datasetsMustBeDeclaredBySourcesOrSinks() {
        String text = BASE.replace("payments.customers.email:", "paymnts.customers.email:");
        assertThat(problems(text))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.at().line()).isEqualTo(lineOf(text, "paymnts"));
                            assertThat(p.message())
                                    .contains("dataset paymnts.customers")
                                    .contains("Did you mean 'payments.customers'?");
                        });
        assertThat(problems(BASE.replace("reads: [payments.*]", "reads: [paymnts.*]")))
                .singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("/teams/payments/reads/0"));
        assertThat(problems(BASE + "subjects:\n  customer: [payment.customers.id]\n"))
                .singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("/subjects/customer/0"));
        String keyed =
                BASE
                        + "subjects:\n  customer:\n    key: payments.customers.id\n"
                        + "    also: [payments.customers.email, paymnts.cards.customer_id]\n";
        assertThat(problems(keyed))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.field()).isEqualTo("/subjects/customer/also/1");
                            assertThat(p.at().line()).isEqualTo(lineOf(keyed, "paymnts"));
                            assertThat(p.message()).contains("Did you mean 'payments.cards'?");
                        });
        assertThat(problems(BASE + "subjects:\n  customer: {key: payment.customers.id}\n"))
                .singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("/subjects/customer/key"));
        assertThat(problems(BASE + "retention:\n  payment.x: {keep: 1d, time_column: t}\n"))
                .singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("/retention/payment.x"));
    }

    @Test
    void zoneTyposAreReported() {
        assertThat(problems(BASE.replace("zones: {analytics:", "zones: {analytcs:")))
                .singleElement()
                .satisfies(
                        p ->
                                assertThat(p.message())
                                        .contains("zone 'analytcs'")
                                        .contains("Did you mean 'analytics'?"));
        assertThat(problems(BASE.replace("zone: analytics}", "zone: analytic}")))
                .singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("/teams/payments/zone"));
        // a zone no sink has yet, far from the others, is a plain declaration
        assertThat(
                        problems(
                                BASE.replace(
                                        "zones: {analytics:", "zones: {partner: deny, analytics:")))
                .isEmpty();
    }

    @Test
    void sourcePatternsThatMissEveryTableByATypoAreFound() {
        Policy policy =
                PolicyLoader.compose(
                        List.of(
                                new PolicyText(
                                        "p.yaml",
                                        BASE.replace("staging.payments_*", "stagin.payments_*"))));
        Set<String> tables =
                Set.of(
                        "default_catalog.staging.payments_customers",
                        "default_catalog.staging.payments_cards",
                        "warehouse.payments.customers");
        assertThat(PolicyValidator.unmatchedSources(policy, tables))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.at().toString()).isEqualTo("p.yaml:3:5");
                            assertThat(p.message())
                                    .contains("stagin.payments_*")
                                    .contains("Did you mean staging.payments_*?");
                        });
        assertThat(PolicyValidator.nearestPattern("default_catalog.staging.paymnts_*", tables))
                .isEqualTo("staging.payments_*");
        assertThat(PolicyValidator.nearestPattern("default_catalog.other.things", tables)).isNull();
        Policy ok = PolicyLoader.compose(List.of(new PolicyText("p.yaml", BASE)));
        assertThat(PolicyValidator.unmatchedSources(ok, tables)).isEmpty();
    }

    @Test
    void globsIntersect() {
        assertThat(Glob.intersects("payments.*", "payments.customers")).isTrue();
        assertThat(Glob.intersects("*.customers", "payments.*")).isTrue();
        assertThat(Glob.intersects("paymnts.*", "payments.*")).isFalse();
    }

    @Test
    void didYouMeanStaysWithinTwoEdits() {
        assertThat(DidYouMean.closest("paralelism", List.of("parallelism", "name")))
                .contains("parallelism");
        assertThat(DidYouMean.closest("zz", new ArrayList<>(List.of("name")))).isEmpty();
        assertThat(DidYouMean.distance("kafak", "kafka")).isEqualTo(2);
    }
}
