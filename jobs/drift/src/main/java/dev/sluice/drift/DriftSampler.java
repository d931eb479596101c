package dev.sluice.drift;

import dev.sluice.policy.detect.ColumnContext;
import dev.sluice.policy.detect.Detection;
import dev.sluice.policy.detect.SensitiveDataDetector;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sample of one column: one non-null value in {@code sampleEvery} is run through the detectors,
 * and the classes found are kept for the last {@link #WINDOW} sampled values. A class drifts in
 * when at least {@link #MIN_HITS} of the values in the window carry it and their share reaches the
 * threshold; it is reported once. Never keeps a value, only which classes it had.
 */
final class DriftSampler implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Sampled values the share is computed over: recent enough to see a change quickly. */
    static final int WINDOW = 500;

    /** One odd value is not drift, whatever the threshold says. */
    static final int MIN_HITS = 2;

    /** Words of a free-text value that are judged one by one: bounded work per value. */
    static final int MAX_WORDS = 64;

    private final String column;
    private final double threshold;
    private final int sampleEvery;
    private long seen;
    private final List<Set<String>> window = new ArrayList<>();
    private final List<Instant> sampledAt = new ArrayList<>();
    private int next;
    private final Set<String> reported = new LinkedHashSet<>();
    private long sampled;

    DriftSampler(String column, double threshold, int sampleEvery) {
        this.column = column;
        this.threshold = threshold;
        this.sampleEvery = sampleEvery;
    }

    /** A class that crossed the threshold: its share of the window and when it was first seen. */
    record Drift(String className, double share, int hits, int windowSize, Instant firstSeen) {}

    long sampled() {
        return sampled;
    }

    /**
     * Looks at one value of the column (null values are not counted); returns the classes that
     * drifted in with it.
     */
    List<Drift> observe(String value, SensitiveDataDetector detector, Instant now) {
        if (value == null) {
            return List.of();
        }
        if (seen++ % sampleEvery != 0) {
            return List.of();
        }
        sampled++;
        Set<String> classes = classesOf(value, detector);
        if (window.size() < WINDOW) {
            window.add(classes);
            sampledAt.add(now);
        } else {
            window.set(next, classes);
            sampledAt.set(next, now);
            next = (next + 1) % WINDOW;
        }
        if (classes.isEmpty()) {
            return List.of();
        }
        List<Drift> drifts = new ArrayList<>();
        for (String cls : classes) {
            if (reported.contains(cls)) {
                continue;
            }
            firstCrossing(cls).ifPresent(drifts::add);
        }
        drifts.forEach(d -> reported.add(d.className()));
        return drifts;
    }

    /**
     * The classes of a value as a whole and, for free text, of each of its first {@link #MAX_WORDS}
     * words (the detectors judge whole values: an e-mail typed into a sentence is a word of it).
     * Words are judged without the column's name, which signals nothing about them.
     */
    Set<String> classesOf(String value, SensitiveDataDetector detector) {
        Set<String> classes = new LinkedHashSet<>();
        for (Detection d : detector.detect(value, ColumnContext.of(column))) {
            classes.add(d.code());
        }
        if (value.indexOf(' ') < 0 && value.indexOf('\n') < 0 && value.indexOf('\t') < 0) {
            return classes;
        }
        String[] words = value.split("\\s+", MAX_WORDS + 1);
        for (int i = 0; i < words.length && i < MAX_WORDS; i++) {
            String word = trimPunctuation(words[i]);
            if (word.length() < 5) {
                continue; // shorter than any address, number or key the detectors find
            }
            for (Detection d : detector.detect(word)) {
                classes.add(d.code());
            }
        }
        return classes;
    }

    private static String trimPunctuation(String word) {
        int start = 0;
        int end = word.length();
        while (start < end && ",.;:!?()[]{}<>\"'".indexOf(word.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && ",.;:!?()[]{}<>\"'".indexOf(word.charAt(end - 1)) >= 0) {
            end--;
        }
        return word.substring(start, end);
    }

    private Optional<Drift> firstCrossing(String cls) {
        int hits = 0;
        Instant first = null;
        for (int i = 0; i < window.size(); i++) {
            if (window.get(i).contains(cls)) {
                hits++;
                Instant at = sampledAt.get(i);
                if (first == null || at.isBefore(first)) {
                    first = at;
                }
            }
        }
        double share = hits / (double) window.size();
        if (hits >= MIN_HITS && share >= threshold) {
            return Optional.of(new Drift(cls, share, hits, window.size(), first));
        }
        return Optional.empty();
    }

    /** Classes already reported, so a restored job does not report them again. */
    Set<String> reported() {
        return reported;
    }

    void markReported(String cls) {
        reported.add(cls);
    }

    static Map<String, DriftSampler> forColumns(
            List<String> columns, double threshold, int sampleEvery) {
        Map<String, DriftSampler> out = new LinkedHashMap<>();
        for (String c : columns) {
            out.put(c, new DriftSampler(c, threshold, sampleEvery));
        }
        return out;
    }
}
