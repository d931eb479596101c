package dev.sluice.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

    private static final AccuracyTally tally = new AccuracyTally();

    @BeforeAll
    static void measure() throws IOException {
        SensitiveDataDetector detector = SensitiveDataDetector.defaults();
        long started = System.nanoTime();
        List<LabeledCorpus.Sample> corpus = LabeledCorpus.generate(SEED, PER_CLASS);
        long generated = System.nanoTime();
        for (LabeledCorpus.Sample s : corpus) {
            Set<String> found = detector.classesOf(s.value(), ColumnContext.of(s.column()));
            tally.add(s.expected(), found, s.source() + " [" + s.column() + "] " + s.value());
        }
        System.out.printf(
                "generated in %d ms, detected in %d ms%n",
                (generated - started) / 1_000_000, (System.nanoTime() - generated) / 1_000_000);
        String table =
                String.format(Locale.ROOT, "Corpus: %d samples, seed %d%n%n", tally.samples(), SEED)
                        + tally.table();
        System.out.println(table);
        tally.errors().forEach((k, v) -> System.out.println(k + ": " + v));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "detection-accuracy.md"), table);
    }

    @Test
    void everyClassIsInTheCorpus() {
        for (SensitiveClass c : SensitiveClass.values()) {
            assertThat(tally.positives(c)).as(c.code()).isPositive();
        }
    }

    @Test
    void precisionPerClassMeetsItsFloor() {
        for (SensitiveClass c : SensitiveClass.values()) {
            assertThat(tally.precision(c))
                    .as("precision of %s (errors: %s)", c.code(), tally.errors("FP", c))
                    .isGreaterThanOrEqualTo(FLOORS.get(c)[0]);
        }
    }

    @Test
    void recallPerClassMeetsItsFloor() {
        for (SensitiveClass c : SensitiveClass.values()) {
            assertThat(tally.recall(c))
                    .as("recall of %s (errors: %s)", c.code(), tally.errors("FN", c))
                    .isGreaterThanOrEqualTo(FLOORS.get(c)[1]);
        }
    }
}
