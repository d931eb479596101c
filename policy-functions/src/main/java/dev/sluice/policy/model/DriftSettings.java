package dev.sluice.policy.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policy's {@code drift:} section: the pipeline job samples every unclassified string column it
 * writes, runs the detectors on the sample, and when a class reaches {@code threshold} of the
 * sampled values it emits a drift event and acts: {@code alert} (the event only), {@code
 * quarantine} (the column is written as NULL from then on, until the policy changes) or {@code
 * stop} (the job fails and is not restarted). {@code sampleEvery}: one value in that many is
 * inspected ({@code sample: 1/100}).
 */
public record DriftSettings(Action action, double threshold, int sampleEvery, Origin origin) {

    /** What the job does when a column drifts. */
    public enum Action {
        ALERT,
        QUARANTINE,
        STOP;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final double DEFAULT_THRESHOLD = 0.01;
    public static final int DEFAULT_SAMPLE_EVERY = 100;

    private static final Pattern PERCENT = Pattern.compile("^([0-9]+(?:\\.[0-9]+)?)%$");
    private static final Pattern SAMPLE = Pattern.compile("^1/([1-9][0-9]*)$");

    /** Collects the {@code drift} sections of several files: one file may set it. */
    static final class Composer {
        private DriftSettings settings;

        /**
         * Adds one file's section (a missing node adds nothing); a bad value is a problem at its
         * line and column. The schema has already checked the shape.
         */
        void add(JsonNode drift, Function<String, Origin> at, List<PolicyProblem> problems) {
            if (drift.isMissingNode() || drift.isNull()) {
                return;
            }
            Origin origin = at.apply("/drift");
            if (settings != null) {
                problems.add(
                        new PolicyProblem(
                                origin,
                                "/drift",
                                "A second drift: section (the first is at "
                                        + settings.origin()
                                        + "). Declare drift detection once, in the org-wide"
                                        + " policy file."));
                return;
            }
            Action action = Action.ALERT;
            if (drift.hasNonNull("action")) {
                action = Action.valueOf(drift.get("action").asText().toUpperCase(Locale.ROOT));
            }
            double threshold = DEFAULT_THRESHOLD;
            if (drift.hasNonNull("threshold")) {
                String text = drift.get("threshold").asText().trim();
                Matcher m = PERCENT.matcher(text);
                double value = m.matches() ? Double.parseDouble(m.group(1)) : -1;
                if (value <= 0 || value > 100) {
                    problems.add(
                            new PolicyProblem(
                                    at.apply("/drift/threshold"),
                                    "/drift/threshold",
                                    "Invalid threshold '"
                                            + text
                                            + "'. Write a share of the sampled values above 0%"
                                            + " and at most 100%, e.g. 1% or 0.5%."));
                    return;
                }
                threshold = value / 100;
            }
            int every = DEFAULT_SAMPLE_EVERY;
            if (drift.hasNonNull("sample")) {
                String text = drift.get("sample").asText().trim();
                Matcher m = SAMPLE.matcher(text);
                if (!m.matches()) {
                    problems.add(
                            new PolicyProblem(
                                    at.apply("/drift/sample"),
                                    "/drift/sample",
                                    "Invalid sample '"
                                            + text
                                            + "'. Write 1/N to inspect one value in N, e.g."
                                            + " 1/100 (1/1 inspects every value)."));
                    return;
                }
                every = Integer.parseInt(m.group(1));
            }
            settings = new DriftSettings(action, threshold, every, origin);
        }

        DriftSettings build() {
            return settings;
        }
    }
}
