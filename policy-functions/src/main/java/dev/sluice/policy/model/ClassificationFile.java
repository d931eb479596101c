package dev.sluice.policy.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Merges proposed classifications into a policy file's text without disturbing what people wrote: a
 * column that already has an entry keeps it exactly (whoever set it, it has been reviewed); new
 * columns are added to the {@code classifications:} block with a comment giving the confidence and
 * reasons, and the rest of the file (comments, other sections, order) is left as it was.
 */
public final class ClassificationFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ClassificationFile() {}

    /** One proposal: a dataset column, its classes, and why. */
    public record Proposal(String column, List<String> classes, double confidence, String reasons) {
        public Proposal {
            classes = List.copyOf(classes);
        }
    }

    /** The merge's result: the new text, what was added and what was kept as people set it. */
    public record Merge(String text, List<Proposal> added, List<Proposal> kept) {}

    /** Columns the file already classifies. */
    public static Set<String> classifiedColumns(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        try {
            JsonNode root = YAML.readTree(text);
            if (root != null) {
                root.path("classifications").fieldNames().forEachRemaining(out::add);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Invalid policy file: "
                            + e.getMessage()
                            + ". Fix it before merging proposals.");
        }
        return out;
    }

    public static Merge merge(String name, String existing, List<Proposal> proposals) {
        String text = existing == null ? "" : existing;
        Set<String> present = classifiedColumns(text);
        List<Proposal> added = new ArrayList<>();
        List<Proposal> kept = new ArrayList<>();
        for (Proposal p : proposals) {
            (present.contains(p.column()) ? kept : added).add(p);
        }
        if (added.isEmpty()) {
            return new Merge(text, added, kept);
        }
        StringBuilder block = new StringBuilder();
        for (Proposal p : added) {
            block.append(
                    String.format(
                            java.util.Locale.ROOT,
                            "  # proposed by sluice classify, confidence %.2f: %s%n",
                            p.confidence(),
                            p.reasons().replace('\n', ' ')));
            block.append("  ")
                    .append(p.column())
                    .append(": [")
                    .append(String.join(", ", p.classes()))
                    .append("]\n");
        }
        String merged;
        if (text.isBlank()) {
            merged =
                    "# Column classifications (dataset.table.column: [CLASS, ...]); review the"
                            + " proposals.\nversion: 1\nclassifications:\n"
                            + block;
        } else {
            merged = insert(name, text, block.toString());
        }
        // its shape only: the names it uses may be declared by the other files of the policy
        PolicyLoader.composeShape(List.of(new PolicyLoader.PolicyText(name, merged)));
        return new Merge(merged, added, kept);
    }

    /** Inserts lines at the end of the block-style {@code classifications:} section. */
    private static String insert(String name, String text, String block) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("^classifications:\\s*(#.*)?$")) {
                header = i;
            } else if (lines.get(i).startsWith("classifications:")) {
                throw new IllegalArgumentException(
                        "Cannot merge into "
                                + name
                                + ": its classifications: section is written inline. Write it as"
                                + " a block (one 'dataset.table.column: [CLASS]' per line).");
            }
        }
        String body = block.endsWith("\n") ? block.substring(0, block.length() - 1) : block;
        if (header < 0) {
            String sep = text.endsWith("\n") ? "" : "\n";
            return text + sep + "\nclassifications:\n" + body + "\n";
        }
        int end = header + 1;
        for (int i = header + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank() || l.startsWith(" ") || l.startsWith("\t")) {
                if (!l.isBlank()) {
                    end = i + 1;
                }
                continue;
            }
            if (l.startsWith("#")) {
                continue;
            }
            break;
        }
        lines.add(end, body);
        return String.join("\n", lines);
    }
}
