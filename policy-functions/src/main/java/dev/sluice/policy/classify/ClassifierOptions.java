package dev.sluice.policy.classify;

/**
 * Thresholds of the {@link ColumnClassifier}. Immutable; {@link #defaults()} or {@link #builder()},
 * whose setters validate their argument.
 */
public final class ClassifierOptions {

    private final double minConfidence;
    private final double minMatchShare;
    private final double minValueConfidence;
    private final int minSampleSize;
    private final int maxSampleSize;

    private ClassifierOptions(Builder b) {
        this.minConfidence = b.minConfidence;
        this.minMatchShare = b.minMatchShare;
        this.minValueConfidence = b.minValueConfidence;
        this.minSampleSize = b.minSampleSize;
        this.maxSampleSize = b.maxSampleSize;
    }

    /** minConfidence 0.5, minMatchShare 0.6, minValueConfidence 0.5, sample size 5..1000. */
    public static ClassifierOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Proposals below this confidence are dropped. */
    public double minConfidence() {
        return minConfidence;
    }

    /**
     * The share of non-blank sampled values that must match a class for the values to support it.
     */
    public double minMatchShare() {
        return minMatchShare;
    }

    /** A sampled value matches a class when it is detected with at least this confidence. */
    public double minValueConfidence() {
        return minValueConfidence;
    }

    /** Without a name signal, fewer non-blank sampled values than this propose nothing. */
    public int minSampleSize() {
        return minSampleSize;
    }

    /** Only the first this many sampled values are examined. */
    public int maxSampleSize() {
        return maxSampleSize;
    }

    @Override
    public String toString() {
        return "ClassifierOptions[minConfidence="
                + minConfidence
                + ", minMatchShare="
                + minMatchShare
                + ", minValueConfidence="
                + minValueConfidence
                + ", minSampleSize="
                + minSampleSize
                + ", maxSampleSize="
                + maxSampleSize
                + "]";
    }

    /** Builds {@link ClassifierOptions}; each setter rejects out-of-range values at once. */
    public static final class Builder {
        private double minConfidence = 0.5;
        private double minMatchShare = 0.6;
        private double minValueConfidence = 0.5;
        private int minSampleSize = 5;
        private int maxSampleSize = 1000;

        private Builder() {}

        public Builder minConfidence(double value) {
            this.minConfidence = fraction("minConfidence", value, "0.5");
            return this;
        }

        public Builder minMatchShare(double value) {
            this.minMatchShare = fraction("minMatchShare", value, "0.6");
            return this;
        }

        public Builder minValueConfidence(double value) {
            this.minValueConfidence = fraction("minValueConfidence", value, "0.5");
            return this;
        }

        public Builder minSampleSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException(
                        "Invalid minSampleSize: " + value + ". Use at least 1 (default 5).");
            }
            this.minSampleSize = value;
            return this;
        }

        public Builder maxSampleSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException(
                        "Invalid maxSampleSize: " + value + ". Use at least 1 (default 1000).");
            }
            this.maxSampleSize = value;
            return this;
        }

        /** Checks that the sample bounds agree, then builds. */
        public ClassifierOptions build() {
            if (minSampleSize > maxSampleSize) {
                throw new IllegalArgumentException(
                        "Invalid sample bounds: minSampleSize "
                                + minSampleSize
                                + " > maxSampleSize "
                                + maxSampleSize
                                + ". Raise maxSampleSize or lower minSampleSize.");
            }
            return new ClassifierOptions(this);
        }

        private static double fraction(String option, double value, String example) {
            if (!(value > 0 && value <= 1)) {
                throw new IllegalArgumentException(
                        "Invalid "
                                + option
                                + ": "
                                + value
                                + ". Use a value in (0, 1], e.g. "
                                + example
                                + ".");
            }
            return value;
        }
    }
}
