package dev.sluice.policy.detect;

import java.util.Locale;
import java.util.Set;

/**
 * Postal addresses. In an address column ({@code address}, {@code street}, {@code postcode}, {@code
 * city}) any address-shaped value counts: letters or digits, no e-mail or URL, not a placeholder.
 * By value alone, only a street line counts: a house number followed by words ending in a street
 * type ({@code 221B Baker Street}, {@code 1600 Pennsylvania Ave NW}).
 */
final class PostalAddressDetector implements ValueDetector {

    private static final int MAX_LENGTH = 200;
    private static final Set<String> PLACEHOLDERS =
            Set.of("n/a", "na", "none", "null", "unknown", "test", "tbd", "-", "redacted");
    private static final Set<String> STREET_TYPES =
            Set.of(
                    "street",
                    "st",
                    "avenue",
                    "ave",
                    "road",
                    "rd",
                    "boulevard",
                    "blvd",
                    "lane",
                    "ln",
                    "drive",
                    "dr",
                    "court",
                    "ct",
                    "way",
                    "place",
                    "pl",
                    "square",
                    "sq",
                    "terrace",
                    "parkway",
                    "pkwy",
                    "highway",
                    "hwy",
                    "circle",
                    "cir",
                    "trail",
                    "crescent",
                    "close",
                    "alley",
                    "plaza",
                    "strasse",
                    "straße",
                    "weg",
                    "gasse",
                    "platz");

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.PII_ADDRESS;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.length > MAX_LENGTH || shape.has(ValueShape.AT) || v.contains("://")) {
            return 0;
        }
        double hint = column.weight(SensitiveClass.PII_ADDRESS);
        if (hint > 0) {
            if (shape.letters() + shape.digits == 0
                    || PLACEHOLDERS.contains(v.toLowerCase(Locale.ROOT))) {
                return 0;
            }
            boolean streetLine = shape.digits > 0 && shape.letters() > 0 && shape.spaces > 0;
            return streetLine ? Math.max(hint, 0.7) : hint;
        }
        return shape.digits > 0 && shape.spaces >= 2 && streetLine(v) ? 0.6 : 0;
    }

    /** A house number (digits, maybe a letter) first, then a street type among the next words. */
    private static boolean streetLine(String v) {
        int i = 0;
        int n = v.length();
        while (i < n && Character.isDigit(v.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 6) {
            return false;
        }
        if (i < n && Character.isLetter(v.charAt(i))) {
            i++;
        }
        if (i >= n || v.charAt(i) != ' ') {
            return false;
        }
        int words = 0;
        while (i < n && words < 8) {
            while (i < n && (v.charAt(i) == ' ' || v.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && v.charAt(i) != ' ' && v.charAt(i) != ',') {
                i++;
            }
            if (i == start) {
                break;
            }
            words++;
            int end = v.charAt(i - 1) == '.' ? i - 1 : i;
            if (words > 1
                    && end - start <= 10
                    && STREET_TYPES.contains(v.substring(start, end).toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }
}
