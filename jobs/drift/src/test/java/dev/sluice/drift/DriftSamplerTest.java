package dev.sluice.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.detect.SensitiveDataDetector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sample of one column: sampling rate, threshold, minimum hits, words of free text. */
class DriftSamplerTest {
    private static final SensitiveDataDetector DETECTOR = SensitiveDataDetector.defaults();

    @Test
    void cleanFreeTextNeverDrifts() {
        DriftSampler sampler = new DriftSampler("notes", 0.01, 1);
        for (int i = 0; i < 5_000; i++) {
            assertThat(
                            sampler.observe(
                                    "delivered to the back door, order " + i + " complete",
                                    DETECTOR,
                                    Instant.now()))
                    .isEmpty();
        }
        assertThat(sampler.sampled()).isEqualTo(5_000);
    }

    @Test
    void anEmailInsideASentenceIsFoundAndReportedOnceAboveTheThreshold() {
        DriftSampler sampler = new DriftSampler("notes", 0.01, 1);
        for (int i = 0; i < 400; i++) {
            sampler.observe("all fine with order " + i, DETECTOR, Instant.now());
        }
        List<DriftSampler.Drift> drifts = new ArrayList<>();
        Instant first = Instant.parse("2026-12-06T10:00:00Z");
        for (int i = 0; i < 200; i++) {
            drifts.addAll(
                    sampler.observe(
                            "please mail the invoice to jane.doe" + i + "@mail.example.",
                            DETECTOR,
                            first.plusSeconds(i)));
        }
        assertThat(drifts).hasSize(1);
        DriftSampler.Drift d = drifts.get(0);
        assertThat(d.className()).isEqualTo("PII.EMAIL");
        assertThat(d.hits()).as("1 %% of a window of 400 clean and 5 drifted values").isEqualTo(5);
        assertThat(d.firstSeen()).isEqualTo(first);
        assertThat(d.share()).isGreaterThanOrEqualTo(0.01);
    }

    @Test
    void oneOddValueIsNotDriftAndOnlyEveryNthValueIsInspected() {
        DriftSampler sampler = new DriftSampler("notes", 0.001, 10);
        assertThat(sampler.observe("mail me: a.b@c.example", DETECTOR, Instant.now())).isEmpty();
        for (int i = 0; i < 99; i++) {
            sampler.observe("nothing here " + i, DETECTOR, Instant.now());
        }
        assertThat(sampler.sampled()).isEqualTo(10);
        assertThat(sampler.observe(null, DETECTOR, Instant.now())).isEmpty();
        assertThat(sampler.sampled()).isEqualTo(10);
    }

    @Test
    void belowTheThresholdNothingIsReported() {
        DriftSampler sampler = new DriftSampler("notes", 0.05, 1);
        List<DriftSampler.Drift> drifts = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String v = i % 50 == 0 ? "x" + i + "@mail.example" : "plain words " + i;
            drifts.addAll(sampler.observe(v, DETECTOR, Instant.now()));
        }
        assertThat(drifts).isEmpty(); // 2 % of the window, threshold 5 %
    }
}
