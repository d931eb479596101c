package dev.sluice.gate;

import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.TableMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The column flows of a planned pipeline, named by datasets: for each persistent sink column, each
 * source dataset column that reaches it and the functions on the way. What erasure follows to find
 * every place a subject's identifiers went (identifiers such as an id are not classified, so the
 * {@link DatasetGraph}'s carried classes do not show them).
 */
public final class ColumnFlows {

    /**
     * One source column reaching one sink column.
     *
     * @param sinkTable the sink as the pipeline names it ({@code warehouse.payments.customers})
     * @param sinkIdentity where the sink's data lives
     * @param sinkOptions the sink's resolved connector options (may hold secrets: never print)
     * @param sinkDataset the dataset the policy's {@code sinks:} maps it to, null when unmapped
     * @param sinkColumn the sink column
     * @param sourceDataset the dataset of the source table ({@code sources:}, or a {@code sinks:}
     *     entry for a pipeline reading another's sink), null when unmapped
     * @param sourceColumn the source column
     * @param sourceOptions the source table's resolved options
     * @param steps the functions on the way, innermost first
     * @param pipeline the pipeline file
     */
    public record Flow(
            String sinkTable,
            DatasetIdentity sinkIdentity,
            Map<String, String> sinkOptions,
            String sinkDataset,
            String sinkColumn,
            String sourceDataset,
            String sourceColumn,
            Map<String, String> sourceOptions,
            List<Step> steps,
            String pipeline) {}

    private ColumnFlows() {}

    /** Every flow of {@code planned} into a persistent sink. */
    public static List<Flow> of(Policy policy, PlannedPipeline planned) {
        DatasetResolver resolver =
                new DatasetResolver(
                        policy, planned.pipeline().variables(), planned.catalogTables());
        List<Flow> out = new ArrayList<>();
        String file = planned.pipeline().pipeline().source().name();
        for (PlannedPipeline.PlannedInsert insert : planned.inserts()) {
            for (SinkLineage sink : insert.sinks()) {
                Map<String, String> sinkOptions =
                        insert.tableOptions().getOrDefault(sink.sinkTable(), sink.sinkOptions());
                for (DatasetIdentity sinkId : identities(resolver, sinkOptions)) {
                    if (!sinkId.persists()) {
                        continue;
                    }
                    String sinkDataset =
                            resolver.sink(sinkId).map(TableMapping.Resolved::dataset).orElse(null);
                    for (int i = 0; i < sink.columns().size(); i++) {
                        for (ColumnPath path : sink.paths().get(i)) {
                            String table = path.source().table();
                            Map<String, String> sourceOptions =
                                    insert.tableOptions().getOrDefault(table, Map.of());
                            for (DatasetIdentity sourceId : identities(resolver, sourceOptions)) {
                                Optional<String> sourceDataset =
                                        resolver.source(sourceId, Set.of()).stream()
                                                .map(TableMapping.Resolved::dataset)
                                                .filter(d -> d != null)
                                                .findFirst();
                                out.add(
                                        new Flow(
                                                sink.sinkTable(),
                                                sinkId,
                                                sinkOptions,
                                                sinkDataset,
                                                sink.columns().get(i),
                                                sourceDataset.orElse(null),
                                                path.source().column(),
                                                sourceOptions,
                                                path.steps(),
                                                file));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static List<DatasetIdentity> identities(
            DatasetResolver resolver, Map<String, String> options) {
        try {
            return resolver.identities(options);
        } catch (DatasetIdentity.Problem e) {
            // the gate reports the table's problem; it maps nothing here
            return List.of();
        }
    }
}
