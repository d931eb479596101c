package dev.sluice.policy.detect;

/**
 * IPv4 addresses in dotted-quad form, each part 0-255 without leading zeros. Four single-digit
 * parts ({@code 1.2.3.4}) read as a version number as often as an address: they get a confidence
 * below the default reporting threshold.
 */
final class Ipv4Detector implements ValueDetector {

    static final double VERSION_LIKE_CONFIDENCE = 0.4;

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.NET_IPV4;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.dots != 3
                || shape.length > 15
                || !shape.onlyOf(ValueShape.DIGIT | ValueShape.DOT)
                || !dottedQuad(v, 0, v.length())) {
            return 0;
        }
        return shape.digits == 4 ? VERSION_LIKE_CONFIDENCE : 0.9;
    }

    /** Whether {@code v[from, to)} is a dotted quad of 0-255 parts without leading zeros. */
    static boolean dottedQuad(String v, int from, int to) {
        int parts = 0;
        int value = 0;
        int digits = 0;
        for (int i = from; i <= to; i++) {
            char c = i == to ? '.' : v.charAt(i);
            if (c == '.') {
                if (digits == 0 || value > 255 || parts == 4) {
                    return false;
                }
                parts++;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits == 1 && value == 0) {
                    return false; // leading zero
                }
                value = value * 10 + (c - '0');
                if (++digits > 3) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return parts == 4;
    }
}
