package dev.sluice.policy.detect;

/**
 * AWS access key ids: {@code AKIA} (long-term) or {@code ASIA} (temporary) followed by 16
 * characters of the base-32 alphabet {@code A-Z2-7}.
 */
final class AwsAccessKeyDetector implements ValueDetector {

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.SECRET_AWS_ACCESS_KEY;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.length != 20 || !shape.onlyOf(ValueShape.UPPER | ValueShape.DIGIT)) {
            return 0;
        }
        if (!v.startsWith("AKIA") && !v.startsWith("ASIA")) {
            return 0;
        }
        for (int i = 4; i < 20; i++) {
            char c = v.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
                return 0;
            }
        }
        return 0.95;
    }
}
