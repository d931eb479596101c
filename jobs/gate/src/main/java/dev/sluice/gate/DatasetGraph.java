package dev.sluice.gate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dataset graph of a set of pipelines: for every dataset they write, the classes that reach
 * each column and in which form. Built to a fixpoint, so a dataset read by a second pipeline and
 * written on to a third carries its classes along, and cycles end (forms are finite sets of masks).
 */
public final class DatasetGraph {
    private final Map<DatasetIdentity, Map<String, Set<Carried>>> carried;
    private final Map<DatasetIdentity, Set<String>> writers;
    private final boolean complete;

    private DatasetGraph(
            Map<DatasetIdentity, Map<String, Set<Carried>>> carried,
            Map<DatasetIdentity, Set<String>> writers,
            boolean complete) {
        this.carried = carried;
        this.writers = writers;
        this.complete = complete;
    }

    /**
     * No pipeline known: datasets other pipelines write are judged on the policy's declared classes
     * alone ({@code sluice validate FILE}, run, submit, deploy, job start).
     */
    public static DatasetGraph none() {
        return new DatasetGraph(Map.of(), Map.of(), false);
    }

    /** Whether the graph holds every pipeline (a folder validated as one). */
    public boolean complete() {
        return complete;
    }

    /** Whether one of the graph's pipelines writes the dataset. */
    public boolean written(DatasetIdentity identity) {
        return carried.containsKey(identity);
    }

    /**
     * The datasets of the graph a source identity reads: itself when a pipeline writes it, and for
     * a Kafka topic pattern every written topic of its cluster the pattern matches.
     */
    public List<DatasetIdentity> readBy(DatasetIdentity source) {
        List<DatasetIdentity> out = new ArrayList<>();
        if (carried.containsKey(source)) {
            out.add(source);
        }
        String pattern = source.fields().get("topic-pattern");
        if (pattern != null) {
            java.util.regex.Pattern regex = java.util.regex.Pattern.compile(pattern);
            for (DatasetIdentity written : carried.keySet()) {
                if (written.kind().equals(source.kind())
                        && java.util.Objects.equals(
                                written.fields().get("cluster"), source.fields().get("cluster"))
                        && written.fields().containsKey("topic")
                        && regex.matcher(written.fields().get("topic")).matches()) {
                    out.add(written);
                }
            }
        }
        return out;
    }

    /** The pipelines (files) that write a dataset. */
    public Set<String> writers(DatasetIdentity identity) {
        return writers.getOrDefault(identity, Set.of());
    }

    /** Classes per column of a dataset the graph's pipelines write (empty map when none). */
    public Map<String, Set<Carried>> carried(DatasetIdentity identity) {
        return carried.getOrDefault(identity, Map.of());
    }

    /** Every Kafka topic the graph's pipelines write. */
    Set<String> topics() {
        Set<String> out = new LinkedHashSet<>();
        for (DatasetIdentity i : carried.keySet()) {
            if (i.kind().equals("kafka") && i.fields().containsKey("topic")) {
                out.add(i.fields().get("topic"));
            }
        }
        return out;
    }

    /**
     * Builds the graph of {@code pipelines} with {@code gate}: every pipeline is evaluated against
     * the graph so far until what reaches every dataset stops growing.
     */
    public static DatasetGraph build(PolicyGate gate, List<PlannedPipeline> pipelines) {
        Map<DatasetIdentity, Map<String, Set<Carried>>> carried = new LinkedHashMap<>();
        Map<DatasetIdentity, Set<String>> writers = new LinkedHashMap<>();
        // every written dataset is known from the start, even before classes reach it
        DatasetGraph graph = new DatasetGraph(carried, writers, true);
        for (PlannedPipeline p : pipelines) {
            gate.written(p, graph)
                    .forEach(
                            (identity, columns) -> {
                                carried.computeIfAbsent(identity, k -> new LinkedHashMap<>());
                                writers.computeIfAbsent(identity, k -> new LinkedHashSet<>())
                                        .add(p.pipeline().pipeline().source().name());
                            });
        }
        boolean changed = true;
        int rounds = 0;
        while (changed) {
            changed = false;
            if (++rounds > 1000) {
                throw new IllegalStateException("The dataset graph does not settle.");
            }
            for (PlannedPipeline p : pipelines) {
                for (Map.Entry<DatasetIdentity, Map<String, Set<Carried>>> w :
                        gate.written(p, graph).entrySet()) {
                    Map<String, Set<Carried>> columns =
                            carried.computeIfAbsent(w.getKey(), k -> new LinkedHashMap<>());
                    for (Map.Entry<String, Set<Carried>> c : w.getValue().entrySet()) {
                        if (columns.computeIfAbsent(c.getKey(), k -> new LinkedHashSet<>())
                                .addAll(c.getValue())) {
                            changed = true;
                        }
                    }
                }
            }
        }
        return graph;
    }

    /** One line per dataset: its identity, writers and carried classes (for --explain). */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        carried.forEach(
                (identity, columns) -> {
                    StringBuilder b = new StringBuilder(identity.toString());
                    b.append(" written by ").append(writers.getOrDefault(identity, Set.of()));
                    columns.forEach(
                            (column, classes) -> {
                                if (!classes.isEmpty()) {
                                    b.append("; ").append(column).append(": ").append(classes);
                                }
                            });
                    out.add(b.toString());
                });
        return out;
    }
}
