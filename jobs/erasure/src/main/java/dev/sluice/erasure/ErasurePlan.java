package dev.sluice.erasure;

import dev.sluice.gate.ColumnFlows;
import dev.sluice.gate.DatasetIdentity;
import dev.sluice.gate.Step;
import dev.sluice.policy.model.DidYouMean;
import dev.sluice.policy.model.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a subject's identifiers went: starting from the policy's {@code subjects:} columns, every
 * flow of the pipelines that copies one of them (as is, through {@code mask_hash}, or through
 * {@code pseudonymize}) into a persistent sink makes that sink column identifying, followed to a
 * fixpoint, so a dataset written from another's identifying column is found too.
 */
public final class ErasurePlan {

    /** A subject of the policy: its key column and the other columns that identify it. */
    public record Subject(String name, String key, List<String> also) {
        public List<String> columns() {
            List<String> out = new ArrayList<>();
            out.add(key);
            out.addAll(also);
            return out;
        }

        /** {@code payments.customers} for {@code payments.customers.id}. */
        public static String tableOf(String datasetColumn) {
            return datasetColumn.substring(0, datasetColumn.lastIndexOf('.'));
        }

        public static String columnOf(String datasetColumn) {
            return datasetColumn.substring(datasetColumn.lastIndexOf('.') + 1);
        }
    }

    /**
     * How a sink column holds a subject column's value: as is ({@code transform} empty), {@code
     * mask_hash} or {@code pseudonymize:<key name>}.
     */
    public record Form(String subjectColumn, String transform) {
        @Override
        public String toString() {
            return transform.isEmpty()
                    ? subjectColumn
                    : transform.replaceFirst(":.*", "") + "(" + subjectColumn + ")";
        }
    }

    /**
     * A dataset a pipeline writes that holds a subject's identifiers.
     *
     * @param dataset the dataset (policy {@code sinks:})
     * @param sinkTable the table as the pipeline names it
     * @param identity where it lives ({@code iceberg} or {@code jdbc} erasable)
     * @param options its resolved connector options (may hold secrets: never print)
     * @param columns identifying column → the forms it holds
     * @param pipelines the pipelines writing it
     */
    public record Target(
            String dataset,
            String sinkTable,
            DatasetIdentity identity,
            Map<String, String> options,
            Map<String, Set<Form>> columns,
            Set<String> pipelines) {}

    private final Subject subject;
    private final List<Target> targets;
    private final Map<String, Map<String, String>> sourceOptions;

    private ErasurePlan(
            Subject subject, List<Target> targets, Map<String, Map<String, String>> sourceOptions) {
        this.subject = subject;
        this.targets = List.copyOf(targets);
        this.sourceOptions = sourceOptions;
    }

    public Subject subject() {
        return subject;
    }

    public List<Target> targets() {
        return targets;
    }

    /**
     * The resolved options of a table the pipelines read as {@code dataset} (a staging topic), or
     * null when no pipeline reads it.
     */
    public Map<String, String> sourceOptions(String dataset) {
        return sourceOptions.get(dataset);
    }

    /** The datasets the pipelines read (staging topics, by dataset). */
    public Set<String> sourceDatasets() {
        return sourceOptions.keySet();
    }

    /**
     * The subject named {@code name} in the policy.
     *
     * @throws IllegalArgumentException naming the subject and the known ones
     */
    public static Subject subject(Policy policy, String name) {
        Set<String> columns = policy.subjects().get(name);
        if (columns == null || columns.isEmpty()) {
            throw new IllegalArgumentException(
                    "Unknown subject '"
                            + name
                            + "'."
                            + DidYouMean.hint(name, policy.subjects().keySet())
                            + " Subjects of the policy: "
                            + (policy.subjects().isEmpty()
                                    ? "none; declare one under subjects:, e.g. customer: {key:"
                                            + " payments.customers.id}"
                                    : String.join(", ", new TreeSet<>(policy.subjects().keySet())))
                            + ".");
        }
        List<String> list = new ArrayList<>(columns);
        return new Subject(name, list.get(0), list.subList(1, list.size()));
    }

    /**
     * Follows the subject's columns through the pipelines' flows.
     *
     * @throws IllegalArgumentException when a sink receiving identifiers is unmapped by the policy,
     *     or a subject column is not a column of its dataset's tables
     */
    public static ErasurePlan build(Subject subject, List<ColumnFlows.Flow> flows) {
        Map<String, Map<String, String>> sources = new LinkedHashMap<>();
        Map<String, Set<String>> sourceColumns = new LinkedHashMap<>();
        for (ColumnFlows.Flow f : flows) {
            if (f.sourceDataset() != null) {
                sources.putIfAbsent(f.sourceDataset(), f.sourceOptions());
                sourceColumns
                        .computeIfAbsent(f.sourceDataset(), k -> new TreeSet<>())
                        .add(f.sourceColumn());
            }
        }
        for (String column : subject.columns()) {
            String table = Subject.tableOf(column);
            Set<String> known = sourceColumns.get(table);
            // a column no pipeline reads only matters when it looks like a typo of one they do
            if (known != null
                    && !known.contains(Subject.columnOf(column))
                    && DidYouMean.closest(Subject.columnOf(column), known).isPresent()) {
                throw new IllegalArgumentException(
                        "Subject '"
                                + subject.name()
                                + "' names column "
                                + column
                                + ", which no pipeline reads from dataset "
                                + table
                                + "."
                                + DidYouMean.hint(Subject.columnOf(column), known)
                                + " Columns read: "
                                + known
                                + ". Fix subjects: in the policy.");
            }
        }
        // dataset column → forms of subject columns it holds
        Map<String, Set<Form>> identifying = new LinkedHashMap<>();
        for (String c : subject.columns()) {
            identifying.computeIfAbsent(c, k -> new LinkedHashSet<>()).add(new Form(c, ""));
        }
        Map<String, Target> targets = new LinkedHashMap<>();
        Map<String, String> unresolved = new LinkedHashMap<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (ColumnFlows.Flow f : flows) {
                if (f.sourceDataset() == null) {
                    continue;
                }
                Set<Form> forms = identifying.get(f.sourceDataset() + "." + f.sourceColumn());
                if (forms == null) {
                    continue;
                }
                Set<Form> carried = new LinkedHashSet<>();
                for (Form form : forms) {
                    String t = transform(form.transform(), f.steps());
                    if (t != null) {
                        carried.add(new Form(form.subjectColumn(), t));
                    }
                }
                if (carried.isEmpty()) {
                    continue;
                }
                if (f.sinkDataset() == null) {
                    unresolved.put(f.sinkTable() + " (" + f.sinkIdentity() + ")", f.pipeline());
                    continue;
                }
                String key = f.sinkDataset() + "." + f.sinkColumn();
                if (identifying.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(carried)) {
                    changed = true;
                }
                Target t =
                        targets.computeIfAbsent(
                                f.sinkDataset() + "|" + f.sinkIdentity(),
                                k ->
                                        new Target(
                                                f.sinkDataset(),
                                                f.sinkTable(),
                                                f.sinkIdentity(),
                                                f.sinkOptions(),
                                                new LinkedHashMap<>(),
                                                new LinkedHashSet<>()));
                t.columns()
                        .computeIfAbsent(f.sinkColumn(), k -> new LinkedHashSet<>())
                        .addAll(carried);
                t.pipelines().add(f.pipeline());
            }
        }
        if (!unresolved.isEmpty()) {
            Map.Entry<String, String> first = unresolved.entrySet().iterator().next();
            throw new IllegalArgumentException(
                    "Cannot resolve the dataset of "
                            + first.getKey()
                            + ", written by "
                            + first.getValue()
                            + " with identifiers of subject '"
                            + subject.name()
                            + "': no sinks: entry of the policy maps it, so forget cannot know"
                            + " what it is. Map it under sinks: (with a dataset) and run forget"
                            + " again; nothing was deleted.");
        }
        for (Target t : targets.values()) {
            String kind = t.identity().kind();
            if (!kind.equals("iceberg") && !kind.equals("jdbc")) {
                throw new IllegalArgumentException(
                        "Cannot erase from dataset "
                                + t.dataset()
                                + " ("
                                + t.identity()
                                + "), written by "
                                + t.pipelines()
                                + " with identifiers of subject '"
                                + subject.name()
                                + "': forget erases Iceberg tables and JDBC tables only. Nothing"
                                + " was deleted.");
            }
        }
        return new ErasurePlan(subject, new ArrayList<>(targets.values()), sources);
    }

    /**
     * The transform after {@code steps}, or null when the value no longer identifies (a partial
     * mask) or the chain is not one forget can compute.
     */
    static String transform(String current, List<Step> steps) {
        String t = current;
        for (Step s : steps) {
            String f = s.function();
            if (f.equals("cast") || f.equals("trim") && t.isEmpty()) {
                continue; // the same text
            }
            if (!t.isEmpty()) {
                return null;
            }
            if (f.equals("mask_hash")) {
                t = "mask_hash";
            } else if (f.equals("pseudonymize")) {
                String key =
                        s.literalArguments().isEmpty() || s.literalArguments().get(0) == null
                                ? "default"
                                : s.literalArguments().get(0);
                t = "pseudonymize:" + key;
            } else {
                return null;
            }
        }
        return t;
    }

    /** One line per target, for {@code --dry-run} and the report. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Target t : targets) {
            out.add(t.dataset() + " (" + t.identity().kind() + "): " + t.columns());
        }
        return out;
    }
}
