package dev.sluice.policy.detect;

/**
 * E-mail addresses ({@code local@domain}), checked by a scanner: a dot-atom local part of at most
 * 64 characters, a domain of at least two labels of letters, digits and inner hyphens, an
 * alphabetic (or punycode) top-level label, at most 254 characters in all. Quoted local parts and
 * IP-literal domains are not recognized: they are rare in data and common in attacks.
 */
final class EmailDetector implements ValueDetector {

    private static final int NOT_ALLOWED =
            ValueShape.SPACE | ValueShape.WHITESPACE_OTHER | ValueShape.PAREN | ValueShape.COLON;

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.PII_EMAIL;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.ats != 1 || shape.dots == 0 || shape.has(NOT_ALLOWED) || shape.length > 254) {
            return 0;
        }
        int at = v.indexOf('@');
        if (at < 1 || at > 64 || !localPart(v, at) || !domain(v, at + 1, v.length())) {
            return 0;
        }
        return 0.95;
    }

    private static boolean localPart(String v, int end) {
        char prev = '.';
        for (int i = 0; i < end; i++) {
            char c = v.charAt(i);
            if (c == '.') {
                if (prev == '.') {
                    return false; // leading or doubled dot
                }
            } else if (!atext(c)) {
                return false;
            }
            prev = c;
        }
        return prev != '.';
    }

    private static boolean atext(char c) {
        if (c < 128) {
            return (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+/=?^_`{|}~-".indexOf(c) >= 0;
        }
        return Character.isLetterOrDigit(c);
    }

    private static boolean domain(String v, int start, int end) {
        int labels = 0;
        int labelStart = start;
        for (int i = start; i <= end; i++) {
            if (i == end || v.charAt(i) == '.') {
                if (!label(v, labelStart, i)) {
                    return false;
                }
                labels++;
                if (i == end) {
                    return labels >= 2 && topLevel(v, labelStart, i);
                }
                labelStart = i + 1;
            }
        }
        return false;
    }

    private static boolean label(String v, int start, int end) {
        int len = end - start;
        if (len < 1 || len > 63 || v.charAt(start) == '-' || v.charAt(end - 1) == '-') {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = v.charAt(i);
            if (!(c == '-' || Character.isLetterOrDigit(c))) {
                return false;
            }
        }
        return true;
    }

    private static boolean topLevel(String v, int start, int end) {
        if (end - start < 2) {
            return false;
        }
        if (v.startsWith("xn--", start) && end - start > 4) {
            return true;
        }
        for (int i = start; i < end; i++) {
            if (!Character.isLetter(v.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
