package dev.sluice.policy.detect;

/**
 * IPv6 addresses in text form (RFC 4291 / 5952): eight groups of 1-4 hex digits, at most one {@code
 * ::} compression, optionally an IPv4 tail ({@code ::ffff:192.0.2.1}). Zone ids are not accepted.
 */
final class Ipv6Detector implements ValueDetector {

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.NET_IPV6;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.colons < 2
                || shape.length > 45
                || shape.hexLetters != shape.letters()
                || !shape.onlyOf(
                        ValueShape.DIGIT
                                | ValueShape.UPPER
                                | ValueShape.LOWER
                                | ValueShape.COLON
                                | ValueShape.DOT)) {
            return 0;
        }
        return valid(v) ? 0.9 : 0;
    }

    private static boolean valid(String v) {
        int n = v.length();
        int groups = 0;
        boolean compressed = false;
        int i = 0;
        if (v.startsWith("::")) {
            compressed = true;
            i = 2;
            if (i == n) {
                return true;
            }
        } else if (v.charAt(0) == ':') {
            return false;
        }
        while (true) {
            int start = i;
            while (i < n && i - start < 5 && hex(v.charAt(i))) {
                i++;
            }
            if (i < n && v.charAt(i) == '.') {
                if (!Ipv4Detector.dottedQuad(v, start, n)) {
                    return false;
                }
                groups += 2;
                break;
            }
            int length = i - start;
            if (length < 1 || length > 4) {
                return false;
            }
            groups++;
            if (i == n) {
                break;
            }
            if (v.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i == n) {
                return false; // a single trailing colon
            }
            if (v.charAt(i) == ':') {
                if (compressed) {
                    return false;
                }
                compressed = true;
                i++;
                if (i == n) {
                    break;
                }
            }
        }
        return compressed ? groups <= 7 : groups == 8;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
