package dev.sluice.policy.classify;

import dev.sluice.policy.detect.ColumnContext;
import dev.sluice.policy.detect.Detection;
import dev.sluice.policy.detect.NameSignal;
import dev.sluice.policy.detect.SensitiveClass;
import dev.sluice.policy.detect.SensitiveDataDetector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Proposes sensitive classes for a column from its name, its SQL type and a sample of its values.
 * Reproducible (the same input gives the same proposals: no sampling, no randomness) and explained
 * (each proposal lists its reasons). Thread-safe.
 *
 * <p>Per class: the name gives a score {@code n} (the strongest matching signal, 0-0.9); the values
 * give the share {@code s} of non-blank sampled values detected as the class and their mean
 * confidence {@code c}. When {@code s >= minMatchShare} the two combine as independent evidence:
 * {@code 1 - (1 - n)(1 - s·c)}. Below it the values speak against the name, which is scaled down to
 * {@code n · s / minMatchShare}. Without sampled values the name alone decides; without a name
 * signal at least {@code minSampleSize} values must be sampled. The SQL type vetoes classes it
 * cannot hold.
 */
public final class ColumnClassifier {

    private static final Comparator<ClassProposal> BEST_FIRST =
            Comparator.comparingDouble(ClassProposal::confidence)
                    .reversed()
                    .thenComparing(p -> p.sensitiveClass().ordinal());

    private final SensitiveDataDetector detector;
    private final ClassifierOptions options;

    public ColumnClassifier(SensitiveDataDetector detector, ClassifierOptions options) {
        if (detector == null || options == null) {
            throw new IllegalArgumentException(
                    "Invalid ColumnClassifier: detector and options are required. Use"
                            + " SensitiveDataDetector.defaults() and ClassifierOptions.defaults().");
        }
        this.detector = detector;
        this.options = options;
    }

    /** A classifier over the default detector and default options. */
    public static ColumnClassifier withDefaults() {
        return new ColumnClassifier(SensitiveDataDetector.defaults(), ClassifierOptions.defaults());
    }

    /**
     * The proposed classes of a column, best first; empty when nothing reaches {@code
     * minConfidence}.
     *
     * @param columnName the column name, e.g. {@code customer_email}; may be null
     * @param sqlType the SQL type, e.g. {@code VARCHAR(255)}; null or unknown types count as text
     * @param sample sampled values (nulls allowed, ignored); only the first {@code maxSampleSize}
     *     count
     */
    public List<ClassProposal> classify(String columnName, String sqlType, List<String> sample) {
        return classify(ColumnContext.of(columnName), sqlType, sample);
    }

    /**
     * As {@link #classify(String, String, List)}, with a column context that may carry the
     * dataset's region ({@code ColumnContext.of(name).withRegion("GB")}): national phone numbers of
     * that country are then recognized in the column.
     */
    public List<ClassProposal> classify(ColumnContext column, String sqlType, List<String> sample) {
        if (column == null) {
            column = ColumnContext.none();
        }
        SqlTypeFamily family = SqlTypeFamily.of(sqlType);
        int classes = SensitiveClass.values().length;
        int[] matches = new int[classes];
        double[] confidenceSums = new double[classes];
        int examined = 0;
        if (sample != null) {
            for (String value : sample) {
                if (examined == options.maxSampleSize()) {
                    break;
                }
                if (value == null || value.isBlank()) {
                    continue;
                }
                examined++;
                for (Detection d : detector.detect(value, column)) {
                    if (d.confidence() >= options.minValueConfidence()) {
                        matches[d.sensitiveClass().ordinal()]++;
                        confidenceSums[d.sensitiveClass().ordinal()] += d.confidence();
                    }
                }
            }
        }
        List<ClassProposal> proposals = new ArrayList<>();
        for (SensitiveClass c : SensitiveClass.values()) {
            ClassProposal p =
                    propose(
                            c,
                            column,
                            family,
                            sqlType,
                            examined,
                            matches[c.ordinal()],
                            confidenceSums[c.ordinal()]);
            if (p != null) {
                proposals.add(p);
            }
        }
        proposals.sort(BEST_FIRST);
        return List.copyOf(proposals);
    }

    private ClassProposal propose(
            SensitiveClass c,
            ColumnContext column,
            SqlTypeFamily family,
            String sqlType,
            int examined,
            int matched,
            double confidenceSum) {
        double name = column.weight(c);
        if ((name == 0 && matched == 0) || !family.allows(c)) {
            return null;
        }
        List<String> reasons = new ArrayList<>(3);
        for (NameSignal s : column.signals()) {
            if (s.sensitiveClass() == c) {
                reasons.add(
                        String.format(
                                Locale.ROOT,
                                "name matches '%s' (weight %.2f)",
                                s.matched(),
                                s.weight()));
                break;
            }
        }
        double confidence;
        if (examined == 0) {
            confidence = name;
            reasons.add("no sampled values: the name alone decides");
        } else {
            double share = (double) matched / examined;
            double meanConfidence = matched == 0 ? 0 : confidenceSum / matched;
            String valueReason =
                    String.format(
                            Locale.ROOT,
                            "%d/%d sampled values match %s (%s)",
                            matched,
                            examined,
                            c.code(),
                            c.description());
            if (name == 0 && examined < options.minSampleSize()) {
                return null;
            }
            if (share >= options.minMatchShare()) {
                confidence = 1 - (1 - name) * (1 - share * meanConfidence);
                reasons.add(valueReason);
            } else {
                confidence = name * share / options.minMatchShare();
                reasons.add(
                        valueReason
                                + String.format(
                                        Locale.ROOT,
                                        ", below the required share %.2f",
                                        options.minMatchShare()));
            }
        }
        if (sqlType != null && !sqlType.isBlank() && family != SqlTypeFamily.TEXT) {
            reasons.add("SQL type " + sqlType.strip() + " can hold " + c.code());
        }
        confidence = Math.round(confidence * 1000) / 1000.0;
        if (confidence < options.minConfidence() || confidence <= 0) {
            return null;
        }
        return new ClassProposal(c, confidence, reasons);
    }
}
