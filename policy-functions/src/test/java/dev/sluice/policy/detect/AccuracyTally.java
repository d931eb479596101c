package dev.sluice.policy.detect;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Per-class counts of true positives, false positives and false negatives, with examples. */
final class AccuracyTally {

    private static final int EXAMPLES = 5;

    private final Map<SensitiveClass, int[]> counts = new EnumMap<>(SensitiveClass.class);
    private final Map<String, List<String>> errors = new TreeMap<>();
    private int samples;

    AccuracyTally() {
        for (SensitiveClass c : SensitiveClass.values()) {
            counts.put(c, new int[3]);
        }
    }

    /** Counts one judged value: the classes it truly has against the classes detected. */
    void add(Set<String> expected, Set<String> found, String description) {
        samples++;
        for (SensitiveClass c : SensitiveClass.values()) {
            boolean isExpected = expected.contains(c.code());
            boolean detected = found.contains(c.code());
            int[] n = counts.get(c);
            if (isExpected && detected) {
                n[0]++;
            } else if (detected) {
                n[1]++;
                note("FP " + c.code(), description);
            } else if (isExpected) {
                n[2]++;
                note("FN " + c.code(), description);
            }
        }
    }

    private void note(String key, String description) {
        List<String> list = errors.computeIfAbsent(key, k -> new ArrayList<>());
        if (list.size() < EXAMPLES) {
            list.add(description.replace("\n", "\\n"));
        }
    }

    int samples() {
        return samples;
    }

    int positives(SensitiveClass c) {
        int[] n = counts.get(c);
        return n[0] + n[2];
    }

    double precision(SensitiveClass c) {
        int[] n = counts.get(c);
        return n[0] + n[1] == 0 ? 1 : (double) n[0] / (n[0] + n[1]);
    }

    double recall(SensitiveClass c) {
        int[] n = counts.get(c);
        return n[0] + n[2] == 0 ? 1 : (double) n[0] / (n[0] + n[2]);
    }

    /** Examples of the false positives ("FP") or negatives ("FN") of a class. */
    List<String> errors(String kind, SensitiveClass c) {
        return errors.getOrDefault(kind + " " + c.code(), List.of());
    }

    Map<String, List<String>> errors() {
        return errors;
    }

    /** The Markdown table of the README/docs: one row per class. */
    String table() {
        StringBuilder b = new StringBuilder();
        b.append("| class | positives | TP | FP | FN | precision | recall |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (SensitiveClass c : SensitiveClass.values()) {
            int[] n = counts.get(c);
            b.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %d | %d | %d | %.3f | %.3f |%n",
                            c.code(),
                            n[0] + n[2],
                            n[0],
                            n[1],
                            n[2],
                            precision(c),
                            recall(c)));
        }
        return b.toString();
    }
}
