package dev.sluice.cli;

import dev.sluice.gate.GateCheck;
import dev.sluice.gate.PlannedPipeline;
import dev.sluice.gate.SinkLineage;
import dev.sluice.policy.model.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a passing gate decision did not prove, said next to the PASS: a pass over tables the policy
 * does not map, or with no classified column at all, proves little, and the reader must know.
 */
final class GateSummary {
    private GateSummary() {}

    /** Lines saying what was not checked; empty when the decision covered everything read. */
    static List<String> notChecked(GateCheck.Decision decision, Policy policy) {
        List<String> lines = new ArrayList<>();
        if (!decision.report().passed()) {
            return lines;
        }
        Set<String> read = new TreeSet<>();
        Set<String> unprovable = new TreeSet<>();
        for (PlannedPipeline.PlannedInsert insert : decision.planned().inserts()) {
            for (SinkLineage sink : insert.sinks()) {
                read.addAll(sink.sourceTables());
            }
            if (insert.unprovable() != null) {
                unprovable.add(insert.insert().location().toString());
            }
        }
        Set<String> unmapped = new TreeSet<>();
        for (String table : read) {
            if (policy.source(table).isEmpty()) {
                unmapped.add(table);
            }
        }
        if (!unmapped.isEmpty()) {
            lines.add(
                    "not checked: "
                            + String.join(", ", unmapped)
                            + (unmapped.size() == 1 ? " is" : " are")
                            + " read but no sources: entry maps "
                            + (unmapped.size() == 1 ? "it" : "them")
                            + ", so no column of "
                            + (unmapped.size() == 1 ? "it" : "them")
                            + " is known to be classified.");
        }
        if (decision.report().classesWritten().isEmpty()) {
            lines.add(
                    "nothing to prove: no classified column reaches a sink of this pipeline"
                            + (read.isEmpty() ? " (it reads no table)." : "."));
        }
        return lines;
    }
}
