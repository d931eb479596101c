package dev.sluice.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gate.ColumnFlows;
import dev.sluice.gate.DatasetIdentity;
import dev.sluice.gate.Step;
import dev.sluice.policy.mask.MaskHash;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyLoader;
import dev.sluice.policy.pseudonym.KeyUnavailableException;
import dev.sluice.policy.pseudonym.KeysetFile;
import dev.sluice.policy.pseudonym.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How forget follows a subject's columns through column flows, and its refusals: an unknown
 * subject, a subject column no pipeline reads, a sink the policy does not map, a pseudonymized
 * column without its keyset's master key. All fail before anything is deleted.
 */
class ErasurePlanTest {
    private static final String POLICY =
            """
            version: 1
            sources:
              - {table: staging.payments_*, dataset: payments.*}
            sinks:
              - {table: warehouse.payments.*, dataset: warehouse.payments.*, zone: analytics, region: eu}
              - {table: crm.*, dataset: crm.*, zone: analytics, region: eu}
            subjects:
              customer:
                key: payments.customers.id
                also: [payments.customers.email, payments.cards.customer_id]
            """;

    @TempDir Path dir;

    private Policy policy() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, POLICY);
        return PolicyLoader.load(List.of(file));
    }

    private static DatasetIdentity iceberg(String table) {
        return new DatasetIdentity("iceberg", Map.of("catalog", "/w", "table", table));
    }

    private static ColumnFlows.Flow flow(
            String sinkDataset,
            DatasetIdentity sink,
            String sinkColumn,
            String source,
            String column,
            Step... steps) {
        return new ColumnFlows.Flow(
                "warehouse." + sink.fields().get("table"),
                sink,
                Map.of(),
                sinkDataset,
                sinkColumn,
                source,
                column,
                Map.of("topic", "staging." + source),
                List.of(steps),
                "p.sql");
    }

    private static Step step(String f, String... literals) {
        return new Step(f, 0, List.of(literals), true);
    }

    @Test
    void followsCopiesHashesAndPseudonymsToAFixpoint() throws Exception {
        ErasurePlan.Subject s = ErasurePlan.subject(policy(), "customer");
        assertThat(s.key()).isEqualTo("payments.customers.id");
        assertThat(s.also())
                .containsExactly("payments.customers.email", "payments.cards.customer_id");
        DatasetIdentity customers = iceberg("payments.customers");
        DatasetIdentity copy = iceberg("payments.customers_copy");
        List<ColumnFlows.Flow> flows = new ArrayList<>();
        flows.add(
                flow("warehouse.payments.customers", customers, "id", "payments.customers", "id"));
        flows.add(
                flow(
                        "warehouse.payments.customers",
                        customers,
                        "email_hash",
                        "payments.customers",
                        "email",
                        step("mask_hash")));
        flows.add(
                flow(
                        "warehouse.payments.customers",
                        customers,
                        "phone",
                        "payments.customers",
                        "phone",
                        step("mask_show_last_n", "2")));
        flows.add(
                flow(
                        "warehouse.payments.customers",
                        customers,
                        "name_masked",
                        "payments.customers",
                        "email",
                        step("mask_show_last_n", "2")));
        // a second hop: a pipeline reading the warehouse table and pseudonymizing its id
        flows.add(
                flow(
                        "warehouse.payments.customers_copy",
                        copy,
                        "who",
                        "warehouse.payments.customers",
                        "id",
                        step("cast"),
                        step("pseudonymize", "crm")));
        ErasurePlan plan = ErasurePlan.build(s, flows);

        assertThat(plan.targets()).hasSize(2);
        ErasurePlan.Target first = plan.targets().get(0);
        assertThat(first.columns()).containsOnlyKeys("id", "email_hash");
        assertThat(first.columns().get("email_hash"))
                .containsExactly(new ErasurePlan.Form("payments.customers.email", "mask_hash"));
        ErasurePlan.Target second = plan.targets().get(1);
        assertThat(second.columns().get("who"))
                .containsExactly(new ErasurePlan.Form("payments.customers.id", "pseudonymize:crm"));

        SubjectValues values = SubjectValues.resolve(plan, List.of("42"), dataset -> null);
        assertThat(values.notes()).singleElement().asString().contains("could not be looked up");
        Map<String, Set<String>> v = values.forTarget(first, null);
        assertThat(v.get("id")).containsExactly("42");

        // a pseudonymized column needs the keyset; its master key missing is named
        assertThatThrownBy(() -> values.forTarget(second, null))
                .hasMessageContaining("key 'crm'")
                .hasMessageContaining("--keyset");
        Path keyset = dir.resolve("keys.json");
        String master = MasterKey.generate();
        KeysetFile.addKey(
                keyset, "crm", MasterKey.fromEnvironment("K", n -> n.equals("K") ? master : null));
        KeysetFile noMasterKey = KeysetFile.open(keyset, "SLUICE_TEST_UNSET_KEY", n -> null);
        assertThatThrownBy(() -> values.forTarget(second, noMasterKey))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("SLUICE_TEST_UNSET_KEY");
        KeysetFile withKey = KeysetFile.open(keyset, "K", n -> n.equals("K") ? master : null);
        assertThat(values.forTarget(second, withKey).get("who"))
                .singleElement()
                .asString()
                .hasSize(43);
        assertThat(MaskHash.sha256Hex("a@example.com")).hasSize(64);
    }

    /**
     * Two customers once shared an e-mail address (the demo's traffic draws addresses from a finite
     * pool): forgetting customer 42 must not take customer 7's rows. Where a dataset holds the ids,
     * its rows are found by the ids; a dataset holding only the e-mail's hash is found by it.
     */
    @Test
    void findsRowsByTheIdsWhereADatasetHoldsThemNotByASharedEmail() throws Exception {
        ErasurePlan.Subject s = ErasurePlan.subject(policy(), "customer");
        DatasetIdentity customers = iceberg("payments.customers");
        DatasetIdentity newsletter = iceberg("payments.newsletter");
        List<ColumnFlows.Flow> flows = new ArrayList<>();
        flows.add(
                flow("warehouse.payments.customers", customers, "id", "payments.customers", "id"));
        flows.add(
                flow(
                        "warehouse.payments.customers",
                        customers,
                        "email_hash",
                        "payments.customers",
                        "email",
                        step("mask_hash")));
        flows.add(
                flow(
                        "warehouse.payments.newsletter",
                        newsletter,
                        "email_hash",
                        "payments.customers",
                        "email",
                        step("mask_hash")));
        ErasurePlan plan = ErasurePlan.build(s, flows);

        // customer 42 held two addresses; 7 holds the first of them now
        List<com.fasterxml.jackson.databind.JsonNode> staging =
                List.of(
                        row("{\"id\": 42, \"email\": \"ada.hopper1@example.com\"}"),
                        row("{\"id\": 7, \"email\": \"grace.knuth5@example.com\"}"),
                        row("{\"id\": 42, \"email\": \"ada.knuth2@example.com\"}"),
                        row("{\"id\": 7, \"email\": \"ada.hopper1@example.com\"}"));
        SubjectValues values =
                SubjectValues.resolveFrom(
                        plan,
                        List.of("42"),
                        dataset ->
                                dataset.equals("payments.customers")
                                        ? rows -> staging.forEach(rows)
                                        : null);
        assertThat(values.values().get("payments.customers.email"))
                .containsExactly("ada.hopper1@example.com", "ada.knuth2@example.com");

        ErasurePlan.Target withIds = target(plan, "warehouse.payments.customers");
        assertThat(values.forTarget(withIds, null))
                .containsOnlyKeys("id")
                .containsEntry("id", Set.of("42"));
        ErasurePlan.Target hashesOnly = target(plan, "warehouse.payments.newsletter");
        assertThat(values.forTarget(hashesOnly, null).get("email_hash"))
                .containsExactlyInAnyOrder(
                        MaskHash.sha256Hex("ada.hopper1@example.com"),
                        MaskHash.sha256Hex("ada.knuth2@example.com"));
        // staging is checked the same way: the customers topic by id, cards by customer_id
        assertThat(values.byStagingDataset())
                .containsEntry("payments.customers", Map.of("id", Set.of("42")))
                .containsEntry("payments.cards", Map.of("customer_id", Set.of("42")));
    }

    private static ErasurePlan.Target target(ErasurePlan plan, String dataset) {
        return plan.targets().stream()
                .filter(t -> t.dataset().equals(dataset))
                .findFirst()
                .orElseThrow();
    }

    private static com.fasterxml.jackson.databind.JsonNode row(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void refusesUnknownSubjectsUnreadColumnsAndUnmappedSinks() throws Exception {
        assertThatThrownBy(() -> ErasurePlan.subject(policy(), "custmer"))
                .hasMessageContaining("Unknown subject 'custmer'")
                .hasMessageContaining("Did you mean 'customer'?");
        ErasurePlan.Subject s = ErasurePlan.subject(policy(), "customer");
        DatasetIdentity customers = iceberg("payments.customers");
        // the pipelines read payments.customers but no column 'email'
        assertThatThrownBy(
                        () ->
                                ErasurePlan.build(
                                        s,
                                        List.of(
                                                flow(
                                                        "warehouse.payments.customers",
                                                        customers,
                                                        "id",
                                                        "payments.customers",
                                                        "id"),
                                                flow(
                                                        "warehouse.payments.customers",
                                                        customers,
                                                        "mail",
                                                        "payments.customers",
                                                        "emial"))))
                .hasMessageContaining("payments.customers.email")
                .hasMessageContaining("Did you mean 'emial'?");
        // a sink no sinks: entry maps receives the id
        DatasetIdentity unmapped = new DatasetIdentity("jdbc", Map.of("table", "public.x"));
        assertThatThrownBy(
                        () ->
                                ErasurePlan.build(
                                        s,
                                        List.of(
                                                flow(
                                                        null,
                                                        unmapped,
                                                        "id",
                                                        "payments.customers",
                                                        "id"))))
                .hasMessageContaining("Cannot resolve the dataset")
                .hasMessageContaining("customer")
                .hasMessageContaining("nothing was deleted");
    }
}
