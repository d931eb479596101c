package dev.sluice.gate;

import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.Pipeline;
import java.util.List;
import java.util.Set;

/**
 * A pipeline after planning: the lineage of each of its {@code INSERT}s (or why it could not be
 * derived), and the user-defined functions its statements registered.
 */
public record PlannedPipeline(
        Pipeline pipeline, List<PlannedInsert> inserts, Set<String> userFunctions) {

    public PlannedPipeline {
        inserts = List.copyOf(inserts);
        userFunctions = Set.copyOf(userFunctions);
    }

    /** One INSERT: its sinks' lineage, or {@code unprovable} saying why there is none. */
    public record PlannedInsert(BoundStatement insert, List<SinkLineage> sinks, String unprovable) {
        public PlannedInsert {
            sinks = List.copyOf(sinks);
        }
    }
}
