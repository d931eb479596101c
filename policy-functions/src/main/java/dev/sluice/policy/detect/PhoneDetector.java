package dev.sluice.policy.detect;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Telephone numbers, validated by libphonenumber against the numbering plan of their country:
 * international form ({@code +44 20 7946 0958}, {@code 0044...}) for any country, national form
 * ({@code (202) 555-0143}) for the default region, with an optional extension ({@code x123}). A
 * bare digit run without {@code +} is only taken for a phone number in a phone column: by value
 * alone it is indistinguishable from an id or an amount.
 */
final class PhoneDetector extends ValueDetector {

    private static final int PHONE_PUNCTUATION =
            ValueShape.DIGIT
                    | ValueShape.SPACE
                    | ValueShape.DASH
                    | ValueShape.DOT
                    | ValueShape.PAREN
                    | ValueShape.PLUS
                    | ValueShape.SLASH;
    private static final int MAX_LENGTH = 40;
    private static final int LATEST_DATE = 9999_12_31;
    private static final int MAX_DIGITS = 21;
    private static final int MIN_NATIONAL_DIGITS = 4;
    private static final int MAX_NATIONAL_DIGITS = 17;
    private static final String UNKNOWN_REGION = "ZZ";
    private static final String NON_GEO_REGION = "001";

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final String defaultRegion;
    private final int defaultCountryCode;
    private final String nationalPrefix;

    PhoneDetector(String defaultRegion) {
        this.defaultRegion = defaultRegion;
        this.defaultCountryCode = util.getCountryCodeForRegion(defaultRegion);
        this.nationalPrefix = util.getNddPrefixForRegion(defaultRegion, true);
    }

    @Override
    SensitiveClass sensitiveClass() {
        return SensitiveClass.PII_PHONE;
    }

    @Override
    double score(String v, ValueShape shape, ColumnContext column) {
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
        if (v.startsWith("00") && shape.digits < 11) {
            return 0; // 00, a country code and a national number make at least 11 digits
        }
        if (shape.digits <= 8 && BirthDateDetector.isDate(v, LATEST_DATE)) {
            return 0;
        }
        if (shape.digits - extensionDigits(v, numberEnd) > 15) {
            return 0; // E.164 allows at most 15 digits
        }
        if (!validNumber(v, numberEnd, international)) {
            return 0;
        }
        if (international) {
            return 0.95;
        }
        return bare ? 0.8 : 0.85;
    }

    /**
     * Whether the digits form a valid number of the numbering plan. The number is built as
     * libphonenumber's model straight from the digits (country code by prefix, national prefix
     * stripped) rather than with {@code PhoneNumberUtil.parse}, whose general-purpose regular
     * expressions cost more than all other detectors together.
     */
    private boolean validNumber(String v, int end, boolean international) {
        char[] digits = new char[MAX_DIGITS];
        int count = 0;
        for (int i = 0; i < end; i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                if (count == MAX_DIGITS) {
                    return false;
                }
                digits[count++] = c;
            }
        }
        if (!international) {
            return valid(digits, 0, count, defaultCountryCode, nationalPrefix, defaultRegion);
        }
        int start = v.charAt(0) == '+' ? 0 : 2;
        for (int length = 1; length <= 3 && start + length < count; length++) {
            int candidate = Integer.parseInt(new String(digits, start, length));
            String region = util.getRegionCodeForCountryCode(candidate);
            if (!UNKNOWN_REGION.equals(region)) { // country codes are prefix-free: first fit wins
                String prefix = util.getNddPrefixForRegion(region, true);
                boolean shared = util.getRegionCodesForCountryCode(candidate).size() > 1;
                String only = shared || NON_GEO_REGION.equals(region) ? null : region;
                return valid(digits, start + length, count, candidate, prefix, only);
            }
        }
        return false;
    }

    /** Validity of {@code digits[start, end)} as a national number, with or without its prefix. */
    private boolean valid(
            char[] digits,
            int start,
            int end,
            int countryCode,
            String nationalPrefix,
            String region) {
        if (nationalPrefix != null
                && end - start - nationalPrefix.length() >= MIN_NATIONAL_DIGITS
                && startsWith(digits, start, nationalPrefix)
                && checked(
                        number(digits, start + nationalPrefix.length(), end, countryCode),
                        region)) {
            return true;
        }
        return end - start >= MIN_NATIONAL_DIGITS
                && end - start <= MAX_NATIONAL_DIGITS
                && checked(number(digits, start, end, countryCode), region);
    }

    /**
     * The cheap length check first: most non-phones fail it, and full validation costs ~10x more.
     * With a known region, validation skips the search for the region among all that share the
     * country code (25 share +1), which halves its cost.
     */
    private boolean checked(PhoneNumber number, String region) {
        if (!util.isPossibleNumber(number)) {
            return false;
        }
        return region == null
                ? util.isValidNumber(number)
                : util.isValidNumberForRegion(number, region);
    }

    private static boolean startsWith(char[] digits, int start, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (digits[start + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static PhoneNumber number(char[] digits, int start, int end, int countryCode) {
        long national = 0;
        for (int i = start; i < end; i++) {
            national = national * 10 + (digits[i] - '0');
        }
        PhoneNumber number =
                new PhoneNumber().setCountryCode(countryCode).setNationalNumber(national);
        int leadingZeros = 0;
        while (leadingZeros < end - start - 1 && digits[start + leadingZeros] == '0') {
            leadingZeros++;
        }
        if (leadingZeros > 0) { // numbers such as Italy's keep their leading zero
            number.setItalianLeadingZero(true).setNumberOfLeadingZeros(leadingZeros);
        }
        return number;
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
