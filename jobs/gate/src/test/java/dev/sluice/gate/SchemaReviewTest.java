package dev.sluice.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyLoader;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchema;
import dev.sluice.stagingschemas.StagingSchemas;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaReviewTest {

    private static final String TOPIC = "staging.shop.public.customers";
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    private static final List<StagingColumn> FIRST =
            List.of(
                    new StagingColumn("id", "BIGINT", false, true),
                    new StagingColumn("email", "STRING", true, false),
                    new StagingColumn("country", "STRING", true, false));

    private static Policy policy(String classifications) {
        return PolicyLoader.compose(
                List.of(
                        new PolicyLoader.PolicyText(
                                "shop.yaml",
                                """
                                kafka_clusters:
                                  platform: ['${KAFKA_BOOTSTRAP_SERVERS}']
                                sources:
                                  - kafka: {cluster: platform, topic: 'staging.shop.public.*'}
                                    dataset: shop.*
                                    region: eu-west-1
                                classifications:
                                  shop.customers.email: [PII.EMAIL]
                                """
                                        + classifications)));
    }

    /** The registry history: the snapshot's columns, then loyalty_tier added, then fax added. */
    private static List<StagingSchema> history() {
        StagingSchema v1 = StagingSchemas.next(null, TOPIC, FIRST, T0);
        List<StagingColumn> second = new ArrayList<>(FIRST);
        second.add(new StagingColumn("loyalty_tier", "STRING", true, false));
        StagingSchema v2 = StagingSchemas.next(v1, TOPIC, second, T0.plusSeconds(60));
        List<StagingColumn> third = new ArrayList<>(second);
        third.add(new StagingColumn("fax", "STRING", true, false));
        StagingSchema v3 = StagingSchemas.next(v2, TOPIC, third, T0.plusSeconds(120));
        return List.of(v1, v2, v3);
    }

    @Test
    void theTopicMapsToItsDatasetThroughThePolicysSourceEntries() {
        assertThat(SchemaReview.dataset(TOPIC, policy(""))).contains("shop.customers");
        assertThat(SchemaReview.dataset("staging.other.public.t", policy(""))).isEmpty();
    }

    @Test
    void anAddedColumnTheRegistryShowsButThePolicyDoesNotClassifyIsUnreviewed() {
        List<SchemaReview.Unreviewed> findings =
                SchemaReview.unreviewed(Map.of(TOPIC, history()), policy(""));
        // country was there when ingest first saw the table: not new, not a finding
        assertThat(findings)
                .extracting(SchemaReview.Unreviewed::datasetColumn)
                .containsExactly("shop.customers.loyalty_tier", "shop.customers.fax");
        SchemaReview.Unreviewed tier = findings.get(0);
        assertThat(tier.id()).isEqualTo("schema.unreviewed-column");
        assertThat(tier.version()).isEqualTo(history().get(1).version());
        assertThat(tier.describe())
                .startsWith(
                        "schema.unreviewed-column: shop.customers.loyalty_tier (STRING, staging"
                                + " topic staging.shop.public.customers) appeared in schema"
                                + " version "
                                + history().get(1).version()
                                + " at 2026-12-06T10:01:00Z; unclassified: no pipeline receives"
                                + " it until the policy classifies it")
                .contains("shop.customers.loyalty_tier: []");
    }

    @Test
    void aClassificationEvenAnEmptyOneReviewsTheColumn() {
        Policy policy =
                policy("  shop.customers.loyalty_tier: []\n  shop.customers.fax: [PII.PHONE]\n");
        assertThat(SchemaReview.unreviewed(Map.of(TOPIC, history()), policy)).isEmpty();
        SchemaReview.Additions additions = SchemaReview.reviewedAdditions(history().get(2), policy);
        assertThat(additions.dataset()).isEqualTo("shop.customers");
        assertThat(additions.propagatable()).extracting(StagingColumn::name).containsExactly("fax");
        assertThat(additions.heldBack()).isEmpty();
        assertThat(additions.mayPropagate("fax")).isTrue();
    }

    @Test
    void aColumnClassifiedUnderATypoedDatasetIsNotReviewed() {
        // a careless policy author: 'shop.customer' (no s) is no dataset any source maps to
        Policy policy = policy("  shop.customer.loyalty_tier: [PII.EMAIL]\n");
        SchemaReview.Additions additions = SchemaReview.reviewedAdditions(history().get(1), policy);
        assertThat(additions.propagatable()).isEmpty();
        assertThat(additions.mayPropagate("loyalty_tier")).isFalse();
        assertThat(additions.heldBack()).hasSize(1);
        assertThat(additions.heldBack().get(0).reason())
                .contains("shop.customers.loyalty_tier is unclassified")
                .contains("the policy classifies shop.customer.loyalty_tier")
                .contains("check the dataset name");
        assertThat(SchemaReview.unreviewed(Map.of(TOPIC, history()), policy))
                .extracting(SchemaReview.Unreviewed::datasetColumn)
                .contains("shop.customers.loyalty_tier");
    }

    @Test
    void aTopicNoSourceEntryMapsHoldsBackEveryAddedColumn() {
        StagingSchema v1 = StagingSchemas.next(null, "staging.other.public.t", FIRST, T0);
        List<StagingColumn> more = new ArrayList<>(FIRST);
        more.add(new StagingColumn("x", "INT", true, false));
        StagingSchema v2 = StagingSchemas.next(v1, v1.topic(), more, T0.plusSeconds(1));
        SchemaReview.Additions additions = SchemaReview.reviewedAdditions(v2, policy(""));
        assertThat(additions.dataset()).isNull();
        assertThat(additions.heldBack().get(0).reason()).contains("maps to no dataset");
    }

    @Test
    void aHistoryThatNoLongerStartsAtTheFirstVersionCountsNoColumnAsSeenFromTheStart() {
        List<StagingSchema> truncated = history().subList(1, 3);
        assertThat(SchemaReview.unreviewed(Map.of(TOPIC, truncated), policy("")))
                .extracting(SchemaReview.Unreviewed::datasetColumn)
                .containsExactly(
                        "shop.customers.id",
                        "shop.customers.country",
                        "shop.customers.loyalty_tier",
                        "shop.customers.fax");
    }

    @Test
    void theAuditLogRecordsEachSchemaChangeOnceWithTheDecisionPerColumn(@TempDir Path dir) {
        AuditLog log = new AuditLog(dir.resolve("audit.jsonl"), null);
        Policy policy = policy("  shop.customers.fax: [PII.PHONE]\n");
        assertThat(SchemaReview.audit(Map.of(TOPIC, history()), policy, log, "validate"))
                .hasSize(2);
        assertThat(SchemaReview.audit(Map.of(TOPIC, history()), policy, log, "validate"))
                .as("idempotent: once per version")
                .isEmpty();
        List<JsonNode> records = log.read();
        assertThat(records).hasSize(2);
        JsonNode first = records.get(0);
        assertThat(AuditLog.kind(first)).isEqualTo("schema-change");
        assertThat(first.get("topic").asText()).isEqualTo(TOPIC);
        assertThat(first.get("from").asText()).isEqualTo(history().get(0).version());
        assertThat(first.get("to").asText()).isEqualTo(history().get(1).version());
        assertThat(first.get("change").get("added").get(0).get("name").asText())
                .isEqualTo("loyalty_tier");
        assertThat(first.get("decisions").get(0).get("decision").asText()).isEqualTo("held back");
        JsonNode second = records.get(1);
        assertThat(second.get("decisions").get(0).get("column").asText()).isEqualTo("fax");
        assertThat(second.get("decisions").get(0).get("decision").asText())
                .isEqualTo("propagatable");
    }
}
