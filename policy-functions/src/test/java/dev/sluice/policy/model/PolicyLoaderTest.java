package dev.sluice.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.policy.model.PolicyLoader.PolicyText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyLoaderTest {

    private static final Path EXAMPLE = Path.of("..", "sql", "policy");

    private static Policy load(String... nameAndText) {
        List<PolicyText> texts = new java.util.ArrayList<>();
        for (int i = 0; i < nameAndText.length; i += 2) {
            texts.add(new PolicyText(nameAndText[i], nameAndText[i + 1]));
        }
        return PolicyLoader.compose(texts);
    }

    private static List<PolicyProblem> problems(String... nameAndText) {
        try {
            load(nameAndText);
        } catch (PolicyException e) {
            return e.problems();
        }
        throw new AssertionError("expected the policy to be rejected");
    }

    @Test
    void loadsTheExamplePolicyFolder() {
        Policy policy = PolicyLoader.load(List.of(EXAMPLE));

        assertThat(policy.files()).hasSize(2);
        assertThat(policy.classesOf("payments.cards.card_number")).containsExactly("PCI.PAN");
        assertThat(policy.rulesFor("PCI.PAN", "analytics"))
                .singleElement()
                .satisfies(r -> assertThat(r.id()).isEqualTo("pci-pan"));
        TableMapping staging = policy.sources().get(0);
        assertThat(staging.identity().kind()).isEqualTo("kafka");
        assertThat(
                        staging.resolve(
                                        Map.of(
                                                "cluster",
                                                "platform",
                                                "topic",
                                                "staging.payments.public.customers"))
                                .dataset())
                .isEqualTo("payments.customers");
        assertThat(policy.kafkaClusters()).containsKey("platform");
        assertThat(policy.unmappedSources()).isEqualTo(Policy.UnmappedSources.REJECT);
        assertThat(policy.sink("warehouse.payments.cards"))
                .get()
                .satisfies(
                        r -> {
                            assertThat(r.zone()).isEqualTo("analytics");
                            assertThat(r.region()).isEqualTo("eu-west-1");
                        });
        assertThat(policy.allowedRegions("PCI.PAN")).get().isEqualTo(java.util.Set.of("eu-west-1"));
        assertThat(policy.allowedRegions("PUBLIC.X")).isEmpty();
        assertThat(policy.team("growth").orElseThrow().mayRead("payments.cards")).isFalse();
        assertThat(policy.retention().get("warehouse.payments.payments").keep())
                .isEqualTo(Duration.ofDays(400));
        assertThat(policy.subjects().get("customer")).contains("payments.customers.email");
    }

    @Test
    void unknownFieldIsNamedWithFileLineAndPointer() {
        List<PolicyProblem> problems =
                problems(
                        "p.yaml",
                        """
                        version: 1
                        rules:
                          - match: PII.EMAIL
                            zonez: {analytics: pseudonymize}
                        """);

        assertThat(problems).isNotEmpty();
        assertThat(problems.toString())
                .contains("p.yaml:3:")
                .contains("/rules/0")
                .contains("zonez")
                .contains("zones");
    }

    @Test
    void badClassNameIsPointedAtItsLine() {
        List<PolicyProblem> problems =
                problems(
                        "p.yaml",
                        """
                        version: 1
                        classifications:
                          payments.customers.email: [pii.email]
                        """);

        assertThat(problems)
                .anySatisfy(
                        p -> {
                            assertThat(p.at().line()).isEqualTo(3);
                            assertThat(p.field())
                                    .isEqualTo("/classifications/payments.customers.email/0");
                            assertThat(p.message()).contains("PII.EMAIL");
                        });
    }

    @Test
    void badTreatmentSaysWhatIsAllowed() {
        List<PolicyProblem> problems =
                problems(
                        "p.yaml",
                        """
                        rules:
                          - match: PCI.*
                            zones:
                              analytics: "mask_show_last_n(4"
                        """);

        assertThat(problems.toString()).contains("p.yaml:4").contains("/rules/0/zones/analytics");
        assertThat(problems).hasSize(1); // the oneOf summary, not each branch's complaint
        assertThat(problems.toString()).contains("allow, deny");
    }

    @Test
    void badRetentionPeriodExplainsTheUnits() {
        List<PolicyProblem> problems =
                problems(
                        "p.yaml",
                        "retention:\n  warehouse.x.y: {keep: 13 months, time_column: ts}\n");

        assertThat(problems.toString())
                .contains("p.yaml:2")
                .contains("/retention/warehouse.x.y/keep")
                .contains("400d");
    }

    @Test
    void retentionReadsRowAgeAndSnapshotHistory() {
        Policy policy =
                load(
                        "p.yaml",
                        """
                        retention:
                          warehouse.payments.*:
                            keep: 2w
                            time_column: created_at
                            snapshots: {keep_last: 10, max_age: 90min}
                          staging.payments_*: {keep: 30d}
                          warehouse.crm.x: {snapshots: {max_age: 7d}}
                        """);

        Retention tables = policy.retention().get("warehouse.payments.*");
        assertThat(tables.keep()).isEqualTo(Duration.ofDays(14));
        assertThat(tables.timeColumn()).isEqualTo("created_at");
        assertThat(tables.snapshots())
                .isEqualTo(new Retention.Snapshots(10, Duration.ofMinutes(90)));
        assertThat(tables.covers("warehouse.payments.payments")).isTrue();
        assertThat(tables.covers("warehouse.crm.x")).isFalse();
        assertThat(policy.retention().get("staging.payments_*").timeColumn()).isNull();
        Retention history = policy.retention().get("warehouse.crm.x");
        assertThat(history.keepRows()).isEmpty();
        assertThat(history.snapshots().keepLast()).isNull();
        assertThat(history.snapshots().maxAge()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void retentionTimeColumnNeedsAKeepPeriod() {
        List<PolicyProblem> problems =
                problems("p.yaml", "version: 1\nretention:\n  warehouse.x.y: {time_column: ts}\n");

        assertThat(problems.toString()).contains("p.yaml:3").contains("/retention/warehouse.x.y");
        assertThat(problems.toString()).contains("keep");
    }

    @Test
    void badSnapshotAgeExplainsTheUnits() {
        List<PolicyProblem> problems =
                problems(
                        "p.yaml",
                        "retention:\n  warehouse.x.y: {snapshots: {keep_last: 0, max_age: 7 days}}\n");

        assertThat(problems.toString())
                .contains("/retention/warehouse.x.y/snapshots/max_age")
                .contains("s, min, h, d or w")
                .contains("/retention/warehouse.x.y/snapshots/keep_last");
    }

    @Test
    void yamlSyntaxErrorHasALine() {
        List<PolicyProblem> problems = problems("p.yaml", "rules:\n  - match: [PII\n");

        assertThat(problems)
                .singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("Invalid YAML"));
    }

    @Test
    void duplicateKeyIsReported() {
        List<PolicyProblem> problems =
                problems("p.yaml", "teams:\n  a: {reads: [x]}\n  a: {reads: [y]}\n");

        assertThat(problems)
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.at().line()).isEqualTo(3);
                            assertThat(p.message())
                                    .contains("Duplicate key 'a'")
                                    .contains("p.yaml:2");
                        });
    }

    @Test
    void everyProblemOfEveryFileIsListed() {
        assertThatThrownBy(
                        () ->
                                load(
                                        "a.yaml", "teams:\n  x: {}\n",
                                        "b.yaml", "regions:\n  PII.*: []\n"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("a.yaml:2")
                .hasMessageContaining("b.yaml:2");
    }

    @Test
    void compositionUnitesClassificationsAndGrants() {
        Policy policy =
                load(
                        "org.yaml",
                        """
                        classifications:
                          payments.customers.email: [PII.EMAIL]
                        teams:
                          growth: {reads: [payments.customers], zone: analytics}
                        """,
                        "domain.yaml",
                        """
                        classes:
                          PII.CONTACT: a way to reach a person
                        classifications:
                          payments.customers.email: [PII.CONTACT]
                        teams:
                          growth: {reads: [orders.*]}
                        """);

        assertThat(policy.classesOf("payments.customers.email"))
                .containsExactly("PII.CONTACT", "PII.EMAIL");
        Team growth = policy.team("growth").orElseThrow();
        assertThat(growth.mayRead("payments.customers")).isTrue();
        assertThat(growth.mayRead("orders.lines")).isTrue();
        assertThat(growth.zones()).containsExactly("analytics");
    }

    @Test
    void rulesOnlyTightenAcrossFiles() {
        Policy policy =
                load(
                        "org.yaml",
                        "rules:\n  - {id: org-pii, match: PII.*, zones: {analytics: pseudonymize}}\n",
                        "domain.yaml",
                        "rules:\n  - {id: dom-email, match: PII.EMAIL, zones: {analytics: allow}}\n");

        assertThat(policy.rulesFor("PII.EMAIL", "analytics"))
                .extracting(Rule::id)
                .containsExactly("org-pii", "dom-email");
    }

    @Test
    void conflictingTeamZonesAreRejectedWithBothPlaces() {
        List<PolicyProblem> problems =
                problems(
                        "org.yaml", "teams:\n  growth: {reads: [a.b], zone: analytics}\n",
                        "dom.yaml", "teams:\n  growth: {reads: [c.d], zone: restricted}\n");

        assertThat(problems)
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.at().file()).isEqualTo("dom.yaml");
                            assertThat(p.message()).contains("org.yaml:2");
                        });
    }

    @Test
    void conflictingSinkMappingsAndDuplicateRuleIdsAreRejected() {
        List<PolicyProblem> problems =
                problems(
                        "org.yaml",
                        """
                        sinks:
                          - {table: warehouse.x.*, zone: analytics, region: eu-west-1}
                        rules:
                          - {id: r1, match: PII.*, zones: {analytics: deny}}
                        """,
                        "dom.yaml",
                        """
                        sinks:
                          - {table: warehouse.x.*, zone: restricted, region: eu-west-1}
                        rules:
                          - {id: r1, match: PCI.*, zones: {analytics: deny}}
                        """);

        assertThat(problems).hasSize(2);
        assertThat(problems.toString())
                .contains("Conflicting sinks entry")
                .contains("Duplicate rule id 'r1'");
    }

    @Test
    void conflictingResidencyIsRejectedAndMatchingEntriesIntersect() {
        assertThat(
                        problems(
                                "a.yaml", "regions:\n  PII.*: [eu-west-1]\n",
                                "b.yaml", "regions:\n  PII.*: [us-east-1]\n"))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("Conflicting residency"));

        Policy policy =
                load(
                        "a.yaml",
                        "regions:\n  PII.*: [eu-west-1, eu-central-1]\n  PII.EMAIL: [eu-west-1]\n");
        assertThat(policy.allowedRegions("PII.EMAIL"))
                .get()
                .isEqualTo(java.util.Set.of("eu-west-1"));
        assertThat(policy.allowedRegions("PII.PHONE"))
                .get()
                .isEqualTo(java.util.Set.of("eu-west-1", "eu-central-1"));
    }

    @Test
    void mostSpecificTableMappingWinsAndTiesThatDisagreeFail() {
        Policy policy =
                load(
                        "p.yaml",
                        """
                        sinks:
                          - {table: "warehouse.*.*", zone: analytics, region: eu-west-1}
                          - {table: warehouse.secure.*, zone: restricted, region: eu-west-1}
                          - {table: "warehouse.*.t", zone: partner, region: us-east-1}
                          - {table: "warehouse.a.*", zone: analytics, region: eu-west-1}
                        """);

        assertThat(policy.sink("warehouse.secure.cards").orElseThrow().zone())
                .isEqualTo("restricted");
        assertThat(policy.sink("warehouse.other.u").orElseThrow().zone()).isEqualTo("analytics");
        assertThat(policy.sink("nowhere")).isEmpty();
        assertThatThrownBy(() -> policy.sink("warehouse.a.t"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("more specific");
    }

    @Test
    void identityEntriesMatchTheirKindAndFieldsAndNeedExactlyOneForm() {
        Policy policy =
                load(
                        "p.yaml",
                        """
                        unmapped_sources: unclassified
                        sources:
                          - {kafka: {cluster: main, topic: 'staging.shop.*'}, dataset: 'shop.*'}
                          - {jdbc: {database: crm, table: public.people}, dataset: crm.people}
                        """);
        IdentityPattern kafka = policy.sources().get(0).identity();
        assertThat(kafka.matches("kafka", Map.of("cluster", "main", "topic", "staging.shop.x")))
                .isTrue();
        assertThat(kafka.matches("kafka", Map.of("cluster", "other", "topic", "staging.shop.x")))
                .isFalse();
        assertThat(kafka.matches("jdbc", Map.of("cluster", "main", "topic", "staging.shop.x")))
                .isFalse();
        assertThat(policy.unmappedSources()).isEqualTo(Policy.UnmappedSources.UNCLASSIFIED);

        List<PolicyProblem> both =
                problems(
                        "p.yaml",
                        "sources:\n"
                                + "  - {table: a.b, kafka: {topic: t}, dataset: x.y}\n"
                                + "  - {dataset: x.z}\n");
        assertThat(both).hasSize(2);
        assertThat(both.get(0).at().line()).isEqualTo(2);
        assertThat(both.get(0).message()).contains("exactly one of table:");
        assertThat(both.get(1).at().line()).isEqualTo(3);
    }

    @Test
    void maskingFunctionArgumentsAreUpperBoundsForNumbers() {
        MaskingFunction lastFour = MaskingFunction.parse("mask_show_last_n(4)");

        assertThat(lastFour.accepts("MASK_SHOW_LAST_N", List.of("4"))).isTrue();
        assertThat(lastFour.accepts("mask_show_last_n", List.of("2"))).isTrue();
        assertThat(lastFour.accepts("mask_show_last_n", List.of("6"))).isFalse();
        assertThat(lastFour.accepts("mask_show_first_n", List.of("4"))).isFalse();
        assertThat(MaskingFunction.parse("pseudonymize").accepts("pseudonymize", List.of()))
                .isTrue();
    }
}
