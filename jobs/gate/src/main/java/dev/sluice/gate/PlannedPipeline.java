package dev.sluice.gate;

import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.Pipeline;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pipeline after planning: the lineage of each of its {@code INSERT}s (or why it could not be
 * derived), the user-defined functions its statements registered, the resolved connector options of
 * every table its lineage names (by {@link TableRef#key()}, hints applied) and of every table the
 * catalog files declared (by {@code catalog.database.table}).
 */
public record PlannedPipeline(
        Pipeline pipeline,
        List<PlannedInsert> inserts,
        Set<String> userFunctions,
        Map<String, CatalogTableInfo> catalogTables) {

    public PlannedPipeline {
        inserts = List.copyOf(inserts);
        userFunctions = Set.copyOf(userFunctions);
        catalogTables = Map.copyOf(catalogTables);
    }

    /** A table the catalog files declared: its resolved options and column names. */
    public record CatalogTableInfo(Map<String, String> options, List<String> columns) {
        public CatalogTableInfo {
            options = Map.copyOf(options);
            columns = List.copyOf(columns);
        }
    }

    /**
     * One INSERT: its sinks' lineage, or {@code unprovable} saying why there is none, and the
     * resolved options of each table of its lineage as they stood when it was planned.
     */
    public record PlannedInsert(
            BoundStatement insert,
            List<SinkLineage> sinks,
            String unprovable,
            Map<String, Map<String, String>> tableOptions) {
        public PlannedInsert {
            sinks = List.copyOf(sinks);
            tableOptions = Map.copyOf(tableOptions);
        }

        public PlannedInsert(BoundStatement insert, List<SinkLineage> sinks, String unprovable) {
            this(insert, sinks, unprovable, Map.of());
        }
    }
}
