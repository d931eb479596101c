package dev.sluice.pipeline.schema;

import dev.sluice.gate.SchemaReview;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.model.TableMapping;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchema;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * A column is reviewed when the policy classifies it: {@code classifications:} has an entry for
 * {@code <dataset>.<column>} (an empty list, {@code []}, marks a reviewed column that is not
 * sensitive). The dataset is the one the gate gives the staging topic ({@link
 * SchemaReview#dataset}, the mapping of every gate decision); a policy that maps staging tables by
 * name only ({@code table:} entries) is read through that entry instead.
 */
public final class PolicyColumnReview implements ColumnReview {
    private final Policy policy;

    public PolicyColumnReview(Policy policy) {
        this.policy = policy;
    }

    @Override
    public boolean mayPropagate(String stagingTable, StagingSchema schema, StagingColumn column) {
        Optional<String> dataset;
        try {
            dataset = SchemaReview.dataset(schema.topic(), policy);
        } catch (PolicyException e) {
            return false; // two datasets for one topic: nothing counts as reviewed
        }
        return dataset.or(() -> dataset(stagingTable, schema.topic()))
                .map(d -> policy.classifications().containsKey(d + "." + column.name()))
                .orElse(false);
    }

    /** The dataset of a staging topic or table by the policy's sources, most specific first. */
    Optional<String> dataset(String stagingTable, String topic) {
        return policy.sources().stream()
                .filter(
                        m ->
                                m.matches(stagingTable)
                                        || (m.identity() != null
                                                && m.identity().kind().equals("kafka")
                                                && m.identity().fields().containsKey("topic")
                                                && m.identity()
                                                        .fields()
                                                        .get("topic")
                                                        .matches(topic)))
                .max(Comparator.comparingInt(TableMapping::specificity))
                .map(
                        m ->
                                m.matches(stagingTable)
                                        ? m.resolve(stagingTable).dataset()
                                        : m.identity()
                                                .substitute(Map.of("topic", topic), m.dataset()));
    }
}
