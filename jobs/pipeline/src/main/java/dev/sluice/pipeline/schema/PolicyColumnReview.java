package dev.sluice.pipeline.schema;

import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.TableMapping;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchema;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * A column is reviewed when the policy classifies it: {@code classifications:} has an entry for
 * {@code <dataset>.<column>} (a class no rule restricts, such as {@code [INTERNAL.LOYALTY]}, marks
 * a reviewed column that is not sensitive). The dataset is the one the policy's {@code sources:}
 * give the staging topic (a {@code kafka:} entry whose topic pattern matches) or the staging table
 * (a {@code table:} entry).
 */
public final class PolicyColumnReview implements ColumnReview {
    private final Policy policy;

    public PolicyColumnReview(Policy policy) {
        this.policy = policy;
    }

    @Override
    public boolean mayPropagate(String stagingTable, StagingSchema schema, StagingColumn column) {
        return dataset(stagingTable, schema.topic())
                .map(dataset -> policy.classifications().containsKey(dataset + "." + column.name()))
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
