package dev.sluice.policy.detect;

/**
 * API tokens and other credentials. By value alone only a vendor prefix ({@code ghp_}, {@code
 * xoxb-}, {@code sk_live_}, {@code AIza}, ...) before a long token counts: a random-looking string
 * is a digest, a base64 blob, an id (KSUID, nanoid, Firebase push id) far more often than a secret,
 * and no value test tells them apart. A generic token — 20-256 base64/base62 characters that mix
 * upper and lower case with digits or symbols, with short runs of lower-case letters (random text
 * has them, camelCase words do not) and a Shannon entropy of at least {@link #minEntropy} bits per
 * character — therefore only gets {@link #GENERIC_WITHOUT_CONTEXT}, below the default reporting
 * threshold. In a credential column ({@code password}, {@code api_key}, {@code token}) any
 * non-trivial value counts. A fallback: values another detector recognizes (a mixed-case IBAN, a
 * JWT) are not also called tokens.
 */
final class TokenDetector extends ValueDetector {

    private static final String[] VENDOR_PREFIXES = {
        "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-",
        "xoxs-", "xapp-", "sk_live_", "rk_live_", "sk_test_", "AIza", "npm_", "SG.", "sk-", "hf_",
        "dop_v1_", "shpat_", "pypi-"
    };
    private static final String VENDOR_FIRST_CHARS = firstChars(VENDOR_PREFIXES);

    /**
     * The confidence of a high-entropy string without a credential column: listed, not reported.
     */
    static final double GENERIC_WITHOUT_CONTEXT = 0.3;

    private static final int MIN_LENGTH = 20;
    private static final int MAX_LENGTH = 256;
    private static final double MAX_MEAN_LOWER_RUN = 3.0;
    private static final int GENERIC_CHARS =
            ValueShape.LETTER
                    | ValueShape.DIGIT
                    | ValueShape.PLUS
                    | ValueShape.SLASH
                    | ValueShape.EQUALS
                    | ValueShape.DASH
                    | ValueShape.UNDERSCORE;

    @Override
    SensitiveClass sensitiveClass() {
        return SensitiveClass.SECRET_TOKEN;
    }

    @Override
    boolean fallback() {
        return true;
    }

    @Override
    double score(String v, ValueShape shape, ColumnContext column) {
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
                || (shape.digits == 0
                        && !shape.has(
                                ValueShape.PLUS
                                        | ValueShape.SLASH
                                        | ValueShape.DASH
                                        | ValueShape.UNDERSCORE))
                || !paddingOnlyAtEnd(v)
                || meanLowerRun(v) > MAX_MEAN_LOWER_RUN) {
            return 0;
        }
        return entropy(v) >= minEntropy(v.length()) ? GENERIC_WITHOUT_CONTEXT : 0;
    }

    private static boolean vendorPrefixed(String v, ValueShape shape) {
        if (VENDOR_FIRST_CHARS.indexOf(v.charAt(0)) < 0
                || !shape.onlyOf(GENERIC_CHARS | ValueShape.DOT)) {
            return false;
        }
        for (String prefix : VENDOR_PREFIXES) {
            if (v.startsWith(prefix)) {
                return v.length() - prefix.length() >= 16 && shape.digits > 0;
            }
        }
        return false;
    }

    private static String firstChars(String[] prefixes) {
        StringBuilder b = new StringBuilder();
        for (String p : prefixes) {
            if (b.indexOf(p.substring(0, 1)) < 0) {
                b.append(p.charAt(0));
            }
        }
        return b.toString();
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

    /**
     * The mean length of the runs of lower-case letters: under 2 in random base62/base64 (a letter
     * is lower case with p = 0.42), 4 and more in camelCase words ({@code quodDoloribusItaque97}).
     */
    static double meanLowerRun(String v) {
        int runs = 0;
        int lower = 0;
        boolean inRun = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean isLower = c >= 'a' && c <= 'z';
            if (isLower) {
                lower++;
                if (!inRun) {
                    runs++;
                }
            }
            inRun = isLower;
        }
        return runs == 0 ? 0 : (double) lower / runs;
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
