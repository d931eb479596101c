package dev.sluice.gate;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lineage of one sink of a plan: for each column of the sink table (in table order) every path
 * from a source column, and every table the sink's data is read from (filters and join keys
 * included, which matter for grants even when no value flows). Tables are named by {@link
 * TableRef#key()}; {@code tableRefs} holds the ref of the sink and of every source table.
 */
public record SinkLineage(
        String sinkTable,
        Map<String, String> sinkOptions,
        List<String> columns,
        List<Set<ColumnPath>> paths,
        Set<String> sourceTables,
        Map<String, TableRef> tableRefs) {
    public SinkLineage {
        columns = List.copyOf(columns);
        paths = List.copyOf(paths);
        sourceTables = Set.copyOf(sourceTables);
        sinkOptions = Map.copyOf(sinkOptions);
        tableRefs = Map.copyOf(tableRefs);
    }
}
