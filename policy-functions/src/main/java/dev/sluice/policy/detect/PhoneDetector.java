package dev.sluice.policy.detect;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Telephone numbers, validated by libphonenumber against the numbering plan of their country:
 * international form ({@code +44 20 7946 0958}, {@code 0044...}) for any country, national form
 * ({@code (202) 555-0143}) for the default region, with an optional extension ({@code x123}). A
 * bare digit run without {@code +} is only taken for a phone number in a phone column: by value
 * alone it is indistinguishable from an id or an amount.
 */
final class PhoneDetector implements ValueDetector {

    private static final int PHONE_PUNCTUATION =
            ValueShape.DIGIT
                    | ValueShape.SPACE
                    | ValueShape.DASH
                    | ValueShape.DOT
                    | ValueShape.PAREN
                    | ValueShape.PLUS
                    | ValueShape.SLASH;
    private static final int MAX_LENGTH = 40;

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final String defaultRegion;

    PhoneDetector(String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.PII_PHONE;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        if (shape.digits < 7
                || shape.digits > 21
                || shape.length > MAX_LENGTH
                || !shape.onlyOf(PHONE_PUNCTUATION | ValueShape.LOWER | ValueShape.UPPER)) {
            return 0;
        }
        int numberEnd = v.length();
        if (shape.letters() > 0) {
            numberEnd = extensionStart(v);
            if (numberEnd < 0) {
                return 0;
            }
        }
        char first = v.charAt(0);
        boolean international = first == '+' || v.startsWith("00");
        if (first != '+' && first != '(' && (first < '0' || first > '9')) {
            return 0;
        }
        if (v.indexOf('+', 1) >= 0) {
            return 0;
        }
        boolean bare = shape.onlyOf(ValueShape.DIGIT);
        if (bare && !international && column.weight(SensitiveClass.PII_PHONE) == 0) {
            return 0;
        }
        if (shape.dots == 3 && shape.onlyOf(ValueShape.DIGIT | ValueShape.DOT)) {
            return 0; // a dotted quad is an IPv4 address
        }
        if (shape.digits - extensionDigits(v, numberEnd) > 15) {
            return 0; // E.164 allows at most 15 digits
        }
        String text = v.startsWith("00") ? "+" + v.substring(2) : v;
        PhoneNumber number;
        try {
            number = util.parse(text, defaultRegion);
        } catch (NumberParseException e) {
            return 0;
        }
        if (!util.isValidNumber(number)) {
            return 0;
        }
        if (international) {
            return 0.95;
        }
        return bare ? 0.8 : 0.85;
    }

    /**
     * Where the extension marker ({@code x}, {@code ext}, {@code ext.}) starts, or -1 when the
     * letters in the value are anything else or are not followed by 1-6 digits.
     */
    private static int extensionStart(String v) {
        int i = 0;
        while (i < v.length() && !Character.isLetter(v.charAt(i))) {
            i++;
        }
        int start = i;
        if (v.startsWith("ext", i) || v.startsWith("Ext", i) || v.startsWith("EXT", i)) {
            i += 3;
            if (i < v.length() && v.charAt(i) == '.') {
                i++;
            }
        } else if (v.charAt(i) == 'x' || v.charAt(i) == 'X') {
            i++;
        } else {
            return -1;
        }
        while (i < v.length() && v.charAt(i) == ' ') {
            i++;
        }
        int digits = 0;
        for (; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            digits++;
        }
        return digits >= 1 && digits <= 6 ? start : -1;
    }

    private static int extensionDigits(String v, int from) {
        int digits = 0;
        for (int i = from; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            }
        }
        return digits;
    }
}
