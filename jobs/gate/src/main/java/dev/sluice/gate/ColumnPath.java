package dev.sluice.gate;

import java.util.List;
import java.util.stream.Collectors;

/** One way a source column reaches a sink column: the functions on the way, innermost first. */
public record ColumnPath(SourceColumn source, List<Step> steps) {
    public ColumnPath {
        steps = List.copyOf(steps);
    }

    ColumnPath then(Step step) {
        List<Step> s = new java.util.ArrayList<>(steps);
        s.add(step);
        return new ColumnPath(source, s);
    }

    @Override
    public String toString() {
        if (steps.isEmpty()) {
            return source + " (copied as is)";
        }
        return source
                + " via "
                + steps.stream().map(Step::toString).collect(Collectors.joining(" -> "));
    }
}
