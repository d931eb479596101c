package dev.sluice.policy.detect;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the sensitive classes of a single value: one pass gathers the value's character shape, then
 * only the detectors whose shape requirements hold validate it. Immutable and thread-safe; build
 * once and share. Work per value is linear and bounded: a value is judged on its first {@link
 * Builder#maxInspectedChars} characters.
 */
public final class SensitiveDataDetector {

    /** Default cap of the characters inspected per value (a 4096-bit RSA key in PEM is ~3.3 KB). */
    public static final int DEFAULT_MAX_INSPECTED_CHARS = 8192;

    public static final double DEFAULT_MIN_CONFIDENCE = 0.5;
    public static final String DEFAULT_REGION = "US";

    private static final Comparator<Detection> BEST_FIRST =
            Comparator.comparingDouble(Detection::confidence).reversed();
    private static final SensitiveDataDetector DEFAULTS = builder().build();

    private final ValueDetector[] detectors;
    private final String defaultRegion;
    private final List<String> phoneRegions;
    private final double minConfidence;
    private final int maxInspectedChars;

    private SensitiveDataDetector(Builder b) {
        this.defaultRegion = b.defaultRegion;
        this.phoneRegions = List.copyOf(b.phoneRegions);
        this.minConfidence = b.minConfidence;
        this.maxInspectedChars = b.maxInspectedChars;
        this.detectors =
                new ValueDetector[] {
                    new EmailDetector(),
                    new PhoneDetector(candidateRegions()),
                    new SsnDetector(),
                    new NinoDetector(),
                    new BirthDateDetector(),
                    new PersonNameDetector(),
                    new PostalAddressDetector(),
                    new PaymentCardDetector(),
                    new IbanDetector(),
                    new Ipv4Detector(),
                    new Ipv6Detector(),
                    new MacAddressDetector(),
                    new AwsAccessKeyDetector(),
                    new PrivateKeyDetector(),
                    new JwtDetector(),
                    new TokenDetector(),
                };
    }

    private List<String> candidateRegions() {
        List<String> regions = new ArrayList<>(phoneRegions.size() + 1);
        regions.add(defaultRegion);
        regions.addAll(phoneRegions);
        return regions;
    }

    /** The shared detector with default settings (phone region US, confidence 0.5, 8192 chars). */
    public static SensitiveDataDetector defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The classes of {@code value} judged by the value alone, best first; empty for null or blank.
     */
    public List<Detection> detect(String value) {
        return detect(value, ColumnContext.none());
    }

    /**
     * The classes of {@code value} as a value of {@code column}: the column name enables the
     * classes that a value cannot show alone (dates of birth, person names, addresses, bare digit
     * phones).
     */
    public List<Detection> detect(String value, ColumnContext column) {
        String v = prepare(value);
        if (v == null) {
            return List.of();
        }
        ColumnContext context = column == null ? ColumnContext.none() : column;
        ValueShape shape = ValueShape.of(v);
        List<Detection> found = null;
        for (ValueDetector d : detectors) {
            if (found != null && d.fallback()) {
                continue;
            }
            double confidence = d.score(v, shape, context);
            if (confidence > 0) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(new Detection(d.sensitiveClass(), confidence));
            }
        }
        if (found == null) {
            return List.of();
        }
        found.sort(BEST_FIRST);
        return Collections.unmodifiableList(found);
    }

    /** The codes of the classes detected with at least the minimum confidence, sorted by code. */
    public Set<String> classesOf(String value) {
        return classesOf(value, ColumnContext.none());
    }

    public Set<String> classesOf(String value, ColumnContext column) {
        String v = prepare(value);
        if (v == null) {
            return Set.of();
        }
        ColumnContext context = column == null ? ColumnContext.none() : column;
        ValueShape shape = ValueShape.of(v);
        String single = null;
        Set<String> many = null;
        boolean recognized = false;
        for (ValueDetector d : detectors) {
            if (recognized && d.fallback()) {
                continue;
            }
            double confidence = d.score(v, shape, context);
            recognized |= confidence > 0;
            if (confidence >= minConfidence) {
                String code = d.sensitiveClass().code();
                if (single == null) {
                    single = code;
                } else {
                    if (many == null) {
                        many = new TreeSet<>();
                        many.add(single);
                    }
                    many.add(code);
                }
            }
        }
        if (many != null) {
            return Collections.unmodifiableSet(many);
        }
        return single == null ? Set.of() : Set.of(single);
    }

    private String prepare(String value) {
        if (value == null) {
            return null;
        }
        String v =
                value.length() > maxInspectedChars ? value.substring(0, maxInspectedChars) : value;
        v = v.strip();
        return v.isEmpty() ? null : v;
    }

    /** The detectors in the order they run; for tests that exercise each one. */
    List<ValueDetector> detectors() {
        return List.of(detectors);
    }

    public String defaultRegion() {
        return defaultRegion;
    }

    /** The regions whose national phone formats are recognized besides the default region. */
    public List<String> phoneRegions() {
        return phoneRegions;
    }

    public double minConfidence() {
        return minConfidence;
    }

    public int maxInspectedChars() {
        return maxInspectedChars;
    }

    /** Settings of a {@link SensitiveDataDetector}; every setter validates its argument. */
    public static final class Builder {
        private String defaultRegion = DEFAULT_REGION;
        private final Set<String> phoneRegions = new LinkedHashSet<>();
        private double minConfidence = DEFAULT_MIN_CONFIDENCE;
        private int maxInspectedChars = DEFAULT_MAX_INSPECTED_CHARS;

        private Builder() {}

        /** ISO 3166-1 alpha-2 region whose national phone number formats are recognized. */
        public Builder defaultRegion(String region) {
            this.defaultRegion = region("defaultRegion", region);
            return this;
        }

        /**
         * More regions whose national phone formats are recognized, tried in order after the
         * default region (a policy's {@code detection.phone_regions}, e.g. GB, DE, FR, NL, ES, US).
         * Each region costs one more numbering-plan check for phone-shaped values only.
         */
        public Builder phoneRegions(Collection<String> regions) {
            phoneRegions.clear();
            for (String r : regions) {
                phoneRegions.add(region("phoneRegions", r));
            }
            return this;
        }

        private static String region(String option, String region) {
            String r = region == null ? "" : region.strip().toUpperCase(Locale.ROOT);
            if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(r)) {
                throw new IllegalArgumentException(
                        "Invalid "
                                + option
                                + ": "
                                + region
                                + ". Use an ISO 3166-1 alpha-2 region code such as US, GB or DE.");
            }
            return r;
        }

        /** The confidence from which {@code classesOf} reports a class; in (0, 1]. */
        public Builder minConfidence(double minConfidence) {
            if (!(minConfidence > 0 && minConfidence <= 1)) {
                throw new IllegalArgumentException(
                        "Invalid minConfidence: "
                                + minConfidence
                                + ". Use a value in (0, 1], e.g. 0.5.");
            }
            this.minConfidence = minConfidence;
            return this;
        }

        /** How many leading characters of a value are inspected; at least 256. */
        public Builder maxInspectedChars(int maxInspectedChars) {
            if (maxInspectedChars < 256) {
                throw new IllegalArgumentException(
                        "Invalid maxInspectedChars: "
                                + maxInspectedChars
                                + ". Use at least 256 (default "
                                + DEFAULT_MAX_INSPECTED_CHARS
                                + ").");
            }
            this.maxInspectedChars = maxInspectedChars;
            return this;
        }

        public SensitiveDataDetector build() {
            return new SensitiveDataDetector(this);
        }
    }
}
