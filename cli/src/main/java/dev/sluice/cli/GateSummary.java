package dev.sluice.cli;

import dev.sluice.gate.GateCheck;
import dev.sluice.gate.PlannedPipeline;
import dev.sluice.gate.SinkLineage;
import dev.sluice.policy.model.DidYouMean;
import dev.sluice.policy.model.Policy;
import dev.sluice.sql.PipelineMetadata;
import dev.sluice.sql.SourceLocation;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFileException;
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

    /**
     * The {@code -- @owner} of a pipeline that is not a team of the policy but close to one: a
     * typo, reported at the header line (the gate's own finding says only that it is no team).
     */
    static SqlFileException ownerTypo(SourceText source, PipelineMetadata metadata, Policy policy) {
        if (metadata == null
                || metadata.owner() == null
                || policy.team(metadata.owner()).isPresent()) {
            return null;
        }
        String near = DidYouMean.closest(metadata.owner(), policy.teams().keySet()).orElse(null);
        if (near == null) {
            return null;
        }
        SourceLocation at = source.location(1, 1);
        for (int line = 1; line <= source.lineCount(); line++) {
            int column = source.line(line).indexOf("@owner");
            if (column >= 0) {
                int value = source.line(line).indexOf(metadata.owner(), column + 6);
                at = source.location(line, (value >= 0 ? value : column) + 1);
                break;
            }
        }
        return new SqlFileException(
                at,
                source.excerpt(at),
                "Owner '"
                        + metadata.owner()
                        + "' is not a team of the policy. Did you mean '"
                        + near
                        + "'?");
    }

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
