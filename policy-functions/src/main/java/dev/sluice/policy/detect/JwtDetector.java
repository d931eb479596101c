package dev.sluice.policy.detect;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * JSON web tokens (JWS compact form): three base64url parts separated by dots, a header that
 * decodes to a JSON object naming its {@code alg}, a payload that decodes to a JSON object. An
 * empty signature ({@code alg: none}) still counts, with less confidence.
 */
final class JwtDetector implements ValueDetector {

    private static final int MAX_HEADER = 1024;

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.SECRET_JWT;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.dots != 2
                || shape.length < 20
                || !v.startsWith("eyJ")
                || !shape.onlyOf(
                        ValueShape.LETTER
                                | ValueShape.DIGIT
                                | ValueShape.DASH
                                | ValueShape.UNDERSCORE
                                | ValueShape.DOT)) {
            return 0;
        }
        int dot1 = v.indexOf('.');
        int dot2 = v.indexOf('.', dot1 + 1);
        if (dot1 > MAX_HEADER || dot2 == dot1 + 1 || !v.startsWith("eyJ", dot1 + 1)) {
            return 0;
        }
        String header = decode(v, 0, dot1);
        if (header == null || !jsonObject(header) || !header.contains("\"alg\"")) {
            return 0;
        }
        return dot2 == v.length() - 1 ? 0.9 : 0.97;
    }

    private static String decode(String v, int from, int to) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(v.substring(from, to));
            return new String(bytes, StandardCharsets.UTF_8).strip();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean jsonObject(String s) {
        return s.length() >= 2 && s.charAt(0) == '{' && s.charAt(s.length() - 1) == '}';
    }
}
