package dev.sluice.policy.detect;

/**
 * API tokens and other credentials. Three signals: a vendor prefix ({@code ghp_}, {@code xoxb-},
 * {@code sk_live_}, {@code AIza}, ...) before a long token; a generic token of 20-256 base64/base62
 * characters that mixes upper case, lower case and digits with a Shannon entropy of at least {@link
 * #minEntropy} bits per character; or any non-trivial value of a credential column ({@code
 * password}, {@code api_key}, {@code token}). Pure hex strings are hashes and ids far more often
 * than secrets, so they only count in a credential column.
 */
final class TokenDetector implements ValueDetector {

    private static final String[] VENDOR_PREFIXES = {
        "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-",
        "xoxs-", "xapp-", "sk_live_", "rk_live_", "sk_test_", "AIza", "npm_", "SG.", "sk-", "hf_",
        "dop_v1_", "shpat_", "pypi-"
    };
    private static final int MIN_LENGTH = 20;
    private static final int MAX_LENGTH = 256;
    private static final int MAX_LOWER_RUN = 8;
    private static final int GENERIC_CHARS =
            ValueShape.LETTER
                    | ValueShape.DIGIT
                    | ValueShape.PLUS
                    | ValueShape.SLASH
                    | ValueShape.EQUALS
                    | ValueShape.DASH
                    | ValueShape.UNDERSCORE;

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.SECRET_TOKEN;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.has(ValueShape.SPACE | ValueShape.WHITESPACE_OTHER)) {
            return 0;
        }
        double hint = column.weight(SensitiveClass.SECRET_TOKEN);
        if (hint > 0 && shape.length >= 6 && shape.length <= MAX_LENGTH) {
            return Math.max(0.6, hint * 0.9);
        }
        if (shape.length < MIN_LENGTH || shape.length > MAX_LENGTH) {
            return 0;
        }
        if (vendorPrefixed(v, shape)) {
            return 0.95;
        }
        if (!shape.onlyOf(GENERIC_CHARS)
                || shape.upper < 2
                || shape.lower < 2
                || shape.digits < 2
                || !paddingOnlyAtEnd(v)
                || longestLowerRun(v) > MAX_LOWER_RUN) {
            return 0;
        }
        return entropy(v) >= minEntropy(v.length()) ? 0.8 : 0;
    }

    private static boolean vendorPrefixed(String v, ValueShape shape) {
        if (!shape.onlyOf(GENERIC_CHARS | ValueShape.DOT)) {
            return false;
        }
        for (String prefix : VENDOR_PREFIXES) {
            if (v.startsWith(prefix)) {
                return v.length() - prefix.length() >= 16 && shape.digits > 0;
            }
        }
        return false;
    }

    /** The entropy a random base62 string of this length reaches with high probability. */
    static double minEntropy(int length) {
        return Math.min(4.0, 0.8 * log2(length));
    }

    private static boolean paddingOnlyAtEnd(String v) {
        int firstEquals = v.indexOf('=');
        if (firstEquals < 0) {
            return true;
        }
        if (v.length() - firstEquals > 2) {
            return false;
        }
        for (int i = firstEquals; i < v.length(); i++) {
            if (v.charAt(i) != '=') {
                return false;
            }
        }
        return true;
    }

    private static int longestLowerRun(String v) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            run = c >= 'a' && c <= 'z' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    /** Shannon entropy in bits per character of an ASCII string. */
    static double entropy(String v) {
        int[] counts = new int[128];
        int n = v.length();
        for (int i = 0; i < n; i++) {
            counts[v.charAt(i) & 0x7F]++;
        }
        double bits = 0;
        for (int count : counts) {
            if (count > 0) {
                double p = (double) count / n;
                bits -= p * log2(p);
            }
        }
        return bits;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
