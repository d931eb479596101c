package dev.sluice.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall per class on the seeded {@link LabeledCorpus}. The floors are set just under
 * what was measured, so a regression fails the build; the table is printed and written to {@code
 * target/detection-accuracy.md}.
 */
class DetectionAccuracyTest {

    private static final long SEED = 20_261_125L;
    private static final int PER_CLASS = 400;

    /** Floors per class (precision, recall): just under the measured figures (0.99-1.0). */
    private static final Map<SensitiveClass, double[]> FLOORS = new EnumMap<>(SensitiveClass.class);

    static {
        for (SensitiveClass c : SensitiveClass.values()) {
            FLOORS.put(c, new double[] {0.97, 0.97});
        }
    }

    private static final Map<SensitiveClass, int[]> counts = new EnumMap<>(SensitiveClass.class);
    private static final Map<String, List<String>> errors = new TreeMap<>();
    private static int sampleCount;

    @BeforeAll
    static void measure() throws IOException {
        SensitiveDataDetector detector = SensitiveDataDetector.defaults();
        long started = System.nanoTime();
        List<LabeledCorpus.Sample> corpus = LabeledCorpus.generate(SEED, PER_CLASS);
        long generated = System.nanoTime();
        sampleCount = corpus.size();
        for (SensitiveClass c : SensitiveClass.values()) {
            counts.put(c, new int[3]); // true positives, false positives, false negatives
        }
        for (LabeledCorpus.Sample s : corpus) {
            Set<String> found = detector.classesOf(s.value(), ColumnContext.of(s.column()));
            for (SensitiveClass c : SensitiveClass.values()) {
                boolean expected = s.expected().contains(c.code());
                boolean detected = found.contains(c.code());
                int[] n = counts.get(c);
                if (expected && detected) {
                    n[0]++;
                } else if (detected) {
                    n[1]++;
                    note("FP " + c.code(), s);
                } else if (expected) {
                    n[2]++;
                    note("FN " + c.code(), s);
                }
            }
        }
        System.out.printf(
                "generated in %d ms, detected in %d ms%n",
                (generated - started) / 1_000_000, (System.nanoTime() - generated) / 1_000_000);
        String table = table();
        System.out.println(table);
        errors.forEach((k, v) -> System.out.println(k + ": " + v));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "detection-accuracy.md"), table);
    }

    private static void note(String key, LabeledCorpus.Sample s) {
        List<String> list = errors.computeIfAbsent(key, k -> new ArrayList<>());
        if (list.size() < 5) {
            list.add(s.source() + " [" + s.column() + "] " + s.value().replace("\n", "\\n"));
        }
    }

    private static String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Corpus: %d samples, seed %d%n%n", sampleCount, SEED));
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
                            precision(n),
                            recall(n)));
        }
        return b.toString();
    }

    private static double precision(int[] n) {
        return n[0] + n[1] == 0 ? 1 : (double) n[0] / (n[0] + n[1]);
    }

    private static double recall(int[] n) {
        return n[0] + n[2] == 0 ? 1 : (double) n[0] / (n[0] + n[2]);
    }

    @Test
    void everyClassIsInTheCorpus() {
        assertThat(counts.values()).allSatisfy(n -> assertThat(n[0] + n[2]).isPositive());
    }

    @Test
    void precisionPerClassMeetsItsFloor() {
        for (SensitiveClass c : SensitiveClass.values()) {
            assertThat(precision(counts.get(c)))
                    .as("precision of %s (errors: %s)", c.code(), errors.get("FP " + c.code()))
                    .isGreaterThanOrEqualTo(FLOORS.get(c)[0]);
        }
    }

    @Test
    void recallPerClassMeetsItsFloor() {
        for (SensitiveClass c : SensitiveClass.values()) {
            assertThat(recall(counts.get(c)))
                    .as("recall of %s (errors: %s)", c.code(), errors.get("FN " + c.code()))
                    .isGreaterThanOrEqualTo(FLOORS.get(c)[1]);
        }
    }
}
