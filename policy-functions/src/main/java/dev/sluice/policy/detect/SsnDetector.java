package dev.sluice.policy.detect;

/**
 * US social security numbers {@code AAA-GG-SSSS} (dashes or spaces). Numbers never issued are
 * rejected: area 000, 666 and 900-999, group 00, serial 0000, and the two numbers the SSA voided
 * after they were printed in advertising. Nine bare digits only count in an SSN column.
 */
final class SsnDetector implements ValueDetector {

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.PII_SSN;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.digits != 9 || shape.length > 11) {
            return 0;
        }
        double confidence;
        if (shape.length == 9 && shape.onlyOf(ValueShape.DIGIT)) {
            double hint = column.weight(SensitiveClass.PII_SSN);
            if (hint == 0) {
                return 0;
            }
            confidence = Math.max(0.6, hint * 0.9);
        } else if (shape.length == 11 && (shape.dashes == 2 || shape.spaces == 2)) {
            char sep = v.charAt(3);
            if (v.charAt(6) != sep || (sep != '-' && sep != ' ')) {
                return 0;
            }
            confidence = sep == '-' ? 0.85 : 0.7;
        } else {
            return 0;
        }
        int offset = shape.length == 11 ? 1 : 0;
        int area = number(v, 0, 3);
        int group = number(v, 3 + offset, 5 + offset);
        int serial = number(v, 5 + 2 * offset, 9 + 2 * offset);
        if (area < 0 || group < 0 || serial < 0) {
            return 0;
        }
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return 0;
        }
        if ((area == 78 && group == 5 && serial == 1120)
                || (area == 219 && group == 9 && serial == 9999)) {
            return 0;
        }
        return confidence;
    }

    private static int number(String v, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
