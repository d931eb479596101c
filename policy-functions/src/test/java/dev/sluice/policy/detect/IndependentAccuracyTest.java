package dev.sluice.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall per class on the {@link IndependentCorpus}, with the detector configured as
 * the example policy configures it ({@code detection.phone_regions: [GB, DE, FR, NL, ES, US]}).
 * Every class must reach 0.98 precision and recall; the table is printed and written to {@code
 * target/detection-accuracy-independent.md}.
 */
class IndependentAccuracyTest {

    private static final long SEED = 20_261_206L;
    private static final double FLOOR = 0.98;
    private static final int MIN_POSITIVES = 300;
    private static final int MIN_NEGATIVES = 1000;

    /** Classes for which no generator or published sample set exists outside this project. */
    private static final List<SensitiveClass> NO_INDEPENDENT_SOURCE =
            List.of(SensitiveClass.PII_UK_NINO, SensitiveClass.SECRET_AWS_ACCESS_KEY);

    private static final AccuracyTally tally = new AccuracyTally();
    private static int negatives;

    @BeforeAll
    static void measure() throws IOException {
        SensitiveDataDetector detector =
                SensitiveDataDetector.builder()
                        .phoneRegions(IndependentCorpus.PHONE_REGIONS)
                        .build();
        List<IndependentCorpus.Sample> corpus = IndependentCorpus.generate(SEED);
        for (IndependentCorpus.Sample s : corpus) {
            tally.add(s.expected(), detector.classesOf(s.value(), s.context()), s.toString());
            if (s.expected().isEmpty()) {
                negatives++;
            }
        }
        String table =
                String.format(
                                Locale.ROOT,
                                "Independent corpus: %d samples (%d hard negatives), seed %d%n%n",
                                tally.samples(),
                                negatives,
                                SEED)
                        + tally.table();
        System.out.println(table);
        tally.errors().forEach((k, v) -> System.out.println(k + ": " + v));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "detection-accuracy-independent.md"), table);
    }

    @Test
    void corpusHasEnoughPositivesPerClassAndHardNegatives() {
        for (SensitiveClass c : SensitiveClass.values()) {
            if (!NO_INDEPENDENT_SOURCE.contains(c)) {
                assertThat(tally.positives(c)).as(c.code()).isGreaterThanOrEqualTo(MIN_POSITIVES);
            }
        }
        assertThat(negatives).isGreaterThanOrEqualTo(MIN_NEGATIVES);
    }

    @Test
    void precisionPerClassIsAtLeastTheFloor() {
        for (SensitiveClass c : SensitiveClass.values()) {
            assertThat(tally.precision(c))
                    .as("precision of %s (errors: %s)", c.code(), tally.errors("FP", c))
                    .isGreaterThanOrEqualTo(FLOOR);
        }
    }

    @Test
    void recallPerClassIsAtLeastTheFloor() {
        for (SensitiveClass c : SensitiveClass.values()) {
            assertThat(tally.recall(c))
                    .as("recall of %s (errors: %s)", c.code(), tally.errors("FN", c))
                    .isGreaterThanOrEqualTo(FLOOR);
        }
    }
}
