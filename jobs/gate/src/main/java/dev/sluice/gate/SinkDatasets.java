package dev.sluice.gate;

import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.TableMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The datasets pipelines write, by the policy's {@code sinks:} names: each planned sink's dataset
 * identity (from the options Flink resolved) mapped to the entry that names it. What acts on a sink
 * dataset outside a pipeline (row retention of a JDBC table, erasure) finds the table, and how to
 * reach it, here rather than asking for its address again.
 */
public final class SinkDatasets {

    /**
     * A table a pipeline writes: the dataset the policy calls it, its identity, the connector
     * options the pipeline writes it with (may hold secrets such as {@code password}: never print
     * them) and the pipeline file that writes it.
     */
    public record Written(
            String dataset, DatasetIdentity identity, Map<String, String> options, String writer) {
        public Written {
            options = Map.copyOf(options);
        }

        @Override
        public String toString() {
            return dataset + " (" + identity + ", written by " + writer + ")";
        }
    }

    private SinkDatasets() {}

    /**
     * Every sink of {@code planned} the policy's {@code sinks:} names, once per dataset and
     * identity (the first writer named). Sinks the policy does not map, or whose identity cannot be
     * told, are left out: the gate rejects those pipelines.
     */
    public static List<Written> of(Policy policy, List<PlannedPipeline> planned) {
        Map<String, Written> out = new LinkedHashMap<>();
        for (PlannedPipeline p : planned) {
            DatasetResolver resolver =
                    new DatasetResolver(policy, p.pipeline().variables(), p.catalogTables());
            String writer = p.pipeline().pipeline().source().name();
            for (PlannedPipeline.PlannedInsert insert : p.inserts()) {
                for (SinkLineage sink : insert.sinks()) {
                    Map<String, String> options =
                            insert.tableOptions().getOrDefault(sink.sinkTable(), Map.of());
                    List<DatasetIdentity> identities;
                    try {
                        identities = resolver.identities(options);
                    } catch (DatasetIdentity.Problem e) {
                        continue;
                    }
                    for (DatasetIdentity identity : identities) {
                        Optional<TableMapping.Resolved> entry = resolver.sink(identity);
                        if (entry.isEmpty() || entry.get().dataset() == null) {
                            continue;
                        }
                        String dataset = entry.get().dataset();
                        out.putIfAbsent(
                                dataset + " " + identity,
                                new Written(dataset, identity, options, writer));
                    }
                }
            }
        }
        return new ArrayList<>(out.values());
    }
}
