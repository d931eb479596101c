package dev.sluice.gate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The gate's decision on one pipeline: pass or reject, every finding, and what the audit log
 * records (content hash, owner, time, the classes the pipeline writes, the dataset identity of
 * every table it reads and writes). {@code graph} says whether it was judged in a dataset graph of
 * all pipelines or alone (datasets other pipelines write then carry their declared classes).
 */
public record GateReport(
        String pipeline,
        String file,
        String contentHash,
        String owner,
        Instant decidedAt,
        List<Finding> findings,
        Set<String> classesWritten,
        Set<String> rulesApplied,
        Map<String, String> datasets,
        boolean graph) {

    public GateReport {
        datasets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(datasets));
        findings = List.copyOf(findings);
        classesWritten = Set.copyOf(new TreeSet<>(classesWritten));
        rulesApplied = Set.copyOf(new TreeSet<>(rulesApplied));
    }

    public boolean passed() {
        return findings.isEmpty();
    }

    public String decision() {
        return passed() ? "PASS" : "REJECT";
    }

    /** The ids of the rules behind the findings (or applied, when it passed). */
    public Set<String> ruleIds() {
        Set<String> ids = new TreeSet<>();
        if (passed()) {
            ids.addAll(rulesApplied);
        }
        for (Finding f : findings) {
            ids.add(f.ruleId() != null ? f.ruleId() : f.kind().id());
        }
        return ids;
    }

    /** Human output: the decision line, then one line per finding. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("policy gate: ")
                .append(decision())
                .append(' ')
                .append(file)
                .append(" (pipeline ")
                .append(pipeline)
                .append(", owner ")
                .append(owner)
                .append(passed() ? "" : ", " + findings.size() + " findings")
                .append(")\n");
        for (Finding f : findings) {
            b.append("  ").append(f.describe()).append('\n');
        }
        return b.toString();
    }

    /** One line per table: {@code table (role) -> identity [what the policy says]}. */
    public String describeDatasets() {
        StringBuilder b = new StringBuilder();
        datasets.forEach(
                (table, identity) ->
                        b.append("  dataset ")
                                .append(table)
                                .append(" -> ")
                                .append(identity)
                                .append('\n'));
        return b.toString();
    }
}
