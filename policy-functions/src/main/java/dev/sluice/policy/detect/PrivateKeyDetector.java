package dev.sluice.policy.detect;

/**
 * PEM private key blocks: a {@code -----BEGIN ... PRIVATE KEY-----} line (RSA, EC, DSA, OPENSSH,
 * ENCRYPTED, PKCS#8, PGP key blocks) followed by base64 lines, ideally up to the matching END line.
 * A block cut short (by the inspection cap or by a column width) still counts, with less
 * confidence.
 */
final class PrivateKeyDetector implements ValueDetector {

    private static final String BEGIN = "-----BEGIN ";
    private static final String DASHES = "-----";
    private static final int MAX_LABEL = 40;

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.SECRET_PRIVATE_KEY;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.dashes < 10 || !v.startsWith(BEGIN)) {
            return 0;
        }
        int labelEnd = v.indexOf(DASHES, BEGIN.length());
        if (labelEnd < 0 || labelEnd - BEGIN.length() > MAX_LABEL) {
            return 0;
        }
        String label = v.substring(BEGIN.length(), labelEnd);
        if (!label.endsWith("PRIVATE KEY") && !label.endsWith("PRIVATE KEY BLOCK")) {
            return 0;
        }
        int bodyStart = labelEnd + DASHES.length();
        int end = v.indexOf("-----END " + label + DASHES, bodyStart);
        int bodyEnd = end < 0 ? v.length() : end;
        int base64 = 0;
        for (int i = bodyStart; i < bodyEnd; i++) {
            char c = v.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '+' || c == '/' || c == '=') {
                base64++;
            } else if (!(c == '\n' || c == '\r' || c == ' ' || c == ':' || c == ',' || c == '-')) {
                return 0; // PEM headers (Proc-Type: 4,ENCRYPTED) are the only other characters
            }
        }
        if (base64 < 16) {
            return 0;
        }
        return end < 0 ? 0.9 : 0.99;
    }
}
