package dev.sluice.policy.detect;

/**
 * UK national insurance numbers: two prefix letters (first not D, F, I, Q, U, V; second not D, F,
 * I, O, Q, U, V; not BG, GB, KN, NK, NT, TN, ZZ), six digits, a suffix A-D; compact or spaced as
 * {@code AB 12 34 56 C}, any letter case.
 */
final class NinoDetector implements ValueDetector {

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.PII_UK_NINO;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.digits != 6
                || shape.letters() != 3
                || !shape.onlyOf(
                        ValueShape.DIGIT
                                | ValueShape.UPPER
                                | ValueShape.LOWER
                                | ValueShape.SPACE)) {
            return 0;
        }
        String compact;
        if (shape.length == 9) {
            compact = v;
        } else if (shape.length == 13 && spacedInPairs(v)) {
            compact = v.replace(" ", "");
        } else {
            return 0;
        }
        char a = Character.toUpperCase(compact.charAt(0));
        char b = Character.toUpperCase(compact.charAt(1));
        char suffix = Character.toUpperCase(compact.charAt(8));
        if (!Character.isLetter(a) || !Character.isLetter(b) || suffix < 'A' || suffix > 'D') {
            return 0;
        }
        if ("DFIQUV".indexOf(a) >= 0 || "DFIOQUV".indexOf(b) >= 0) {
            return 0;
        }
        String prefix = "" + a + b;
        if (prefix.equals("BG")
                || prefix.equals("GB")
                || prefix.equals("KN")
                || prefix.equals("NK")
                || prefix.equals("NT")
                || prefix.equals("TN")
                || prefix.equals("ZZ")) {
            return 0;
        }
        for (int i = 2; i < 8; i++) {
            char c = compact.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
        }
        return 0.9;
    }

    private static boolean spacedInPairs(String v) {
        return v.charAt(2) == ' '
                && v.charAt(5) == ' '
                && v.charAt(8) == ' '
                && v.charAt(11) == ' ';
    }
}
