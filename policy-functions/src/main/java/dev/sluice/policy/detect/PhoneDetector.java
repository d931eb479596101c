package dev.sluice.policy.detect;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.List;

/**
 * Telephone numbers, validated by libphonenumber against the numbering plan of their country:
 * international form ({@code +44 20 7946 0958}, {@code 0044...}) for any country, national form
 * ({@code (202) 555-0143}, {@code 020 7946 0958}) for the candidate regions — the column's own
 * region first, then the default region, then the configured phone regions (a policy's {@code
 * detection.phone_regions}) — with an optional extension ({@code x123}). A bare digit run without
 * {@code +} is only taken for a phone number in a phone column: by value alone it is
 * indistinguishable from an id or an amount.
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
    private static final int MIN_DIGITS = 7;

    /**
     * Small countries' numbers are shorter (Niue: 4 digits), and a phone column says what they are.
     */
    private static final int MIN_DIGITS_IN_PHONE_COLUMN = 4;

    private static final int LATEST_DATE = 9999_12_31;
    private static final int MAX_DIGITS = 21;
    private static final int MIN_NATIONAL_DIGITS = 4;
    private static final int MAX_NATIONAL_DIGITS = 17;
    private static final String UNKNOWN_REGION = "ZZ";
    private static final String NON_GEO_REGION = "001";

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final Plan[] plans;

    /**
     * What national validation needs of one region, looked up once. A region that is only a
     * configured candidate needs its trunk prefix written ({@code 020 7946 0958}, not {@code 20
     * 7946 0958}), as people write national numbers in such countries, unless the prefix is the
     * {@code 1} that North American national formats leave out: without it, too many digit groups
     * (postcodes, ids) are some candidate country's subscriber number.
     */
    private record Plan(
            String region, int countryCode, String nationalPrefix, boolean prefixRequired) {}

    /**
     * @param regions the candidate regions for national numbers, most likely first (validated ISO
     *     3166-1 alpha-2 codes libphonenumber supports)
     */
    PhoneDetector(List<String> regions) {
        List<String> distinct = regions.stream().distinct().toList();
        this.plans = new Plan[distinct.size()];
        for (int i = 0; i < plans.length; i++) {
            plans[i] = plan(distinct.get(i), i > 0);
        }
    }

    private Plan plan(String region, boolean candidateOnly) {
        String prefix = util.getNddPrefixForRegion(region, true);
        return new Plan(
                region,
                util.getCountryCodeForRegion(region),
                prefix,
                candidateOnly && prefix != null && !prefix.equals("1"));
    }

    @Override
    SensitiveClass sensitiveClass() {
        return SensitiveClass.PII_PHONE;
    }

    @Override
    double score(String v, ValueShape shape, ColumnContext column) {
        boolean phoneColumn = column.weight(SensitiveClass.PII_PHONE) > 0;
        if (shape.digits < (phoneColumn ? MIN_DIGITS_IN_PHONE_COLUMN : MIN_DIGITS)
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
        if (!international && !phoneColumn && (bare || column.signalsOtherThan(sensitiveClass()))) {
            return 0; // a national number needs a phone column, or at least no other class's name
        }
        if (shape.dots == 3 && shape.onlyOf(ValueShape.DIGIT | ValueShape.DOT)) {
            return 0; // a dotted quad is an IPv4 address
        }
        int exitDigits = v.startsWith("00") ? 2 : 0;
        if (exitDigits > 0 && shape.digits - exitDigits < MIN_DIGITS) {
            return 0; // a country code and a national number make at least 7 digits, as with +
        }
        if (shape.digits <= 8 && BirthDateDetector.isDate(v, LATEST_DATE)) {
            return 0;
        }
        if (shape.digits - exitDigits - extensionDigits(v, numberEnd) > 15) {
            return 0; // E.164 allows at most 15 digits
        }
        if (!international
                && (!nationalLayout(v, numberEnd)
                        || (shape.digits >= 12 && PaymentCardDetector.isCardNumber(v, shape)))) {
            return 0;
        }
        if (!validNumber(v, numberEnd, international, column.phoneRegion())) {
            return 0;
        }
        if (international) {
            return 0.95;
        }
        return bare ? 0.8 : 0.85;
    }

    /**
     * Whether the digit groups of a national number are laid out as people write phone numbers: not
     * a decimal number (one dot), no one-digit last group (an ISBN's or a card's check digit), not
     * the 3-2-4 layout of a US social security number. Card numbers in their printed groupings are
     * rejected separately: a valid PAN is a card, whatever else its digits could dial.
     */
    private static boolean nationalLayout(String v, int end) {
        int groups = 0;
        int run = 0;
        int dots = 0;
        int first = 0;
        int second = 0;
        for (int i = 0; i < end; i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                run++;
                continue;
            }
            if (c == '.') {
                dots++;
            }
            if (run > 0) {
                groups++;
                if (groups == 1) {
                    first = run;
                } else if (groups == 2) {
                    second = run;
                }
                run = 0;
            }
        }
        if (run > 0) {
            groups++;
        } else {
            run = lastRun(v, end);
        }
        if (dots == 1 || (groups > 1 && run < 2)) {
            return false;
        }
        return !(groups == 3 && first == 3 && second == 2 && run == 4);
    }

    private static int lastRun(String v, int end) {
        int run = 0;
        for (int i = end - 1; i >= 0; i--) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                run++;
            } else if (run > 0) {
                break;
            }
        }
        return run;
    }

    /**
     * Whether the digits form a valid number of the numbering plan. The number is built as
     * libphonenumber's model straight from the digits (country code by prefix, national prefix
     * stripped) rather than with {@code PhoneNumberUtil.parse}, whose general-purpose regular
     * expressions cost more than all other detectors together.
     */
    private boolean validNumber(String v, int end, boolean international, String columnRegion) {
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
            if (columnRegion != null && valid(digits, count, plan(columnRegion, false))) {
                return true;
            }
            for (Plan p : plans) {
                if (valid(digits, count, p)) {
                    return true;
                }
            }
            return false;
        }
        int start = v.charAt(0) == '+' ? 0 : 2;
        for (int length = 1; length <= 3 && start + length < count; length++) {
            int candidate = Integer.parseInt(new String(digits, start, length));
            String region = util.getRegionCodeForCountryCode(candidate);
            if (!UNKNOWN_REGION.equals(region)) { // country codes are prefix-free: first fit wins
                if (splitsCountryCode(v, start, length)) {
                    return false; // 005-348-3272: no one writes a country code across a separator
                }
                String prefix =
                        NON_GEO_REGION.equals(region)
                                ? null
                                : util.getNddPrefixForRegion(region, true);
                boolean shared = util.getRegionCodesForCountryCode(candidate).size() > 1;
                String only = shared || NON_GEO_REGION.equals(region) ? null : region;
                return valid(digits, start + length, count, candidate, prefix, only);
            }
        }
        return false;
    }

    private boolean valid(char[] digits, int count, Plan p) {
        if (p.prefixRequired
                && (count <= p.nationalPrefix.length()
                        || !startsWith(digits, 0, p.nationalPrefix))) {
            return false;
        }
        return valid(digits, 0, count, p.countryCode, p.nationalPrefix, p.region);
    }

    /**
     * Whether a separator falls inside the country code: the first digit group after the exit code
     * ({@code +} or {@code 00}) is non-empty but shorter than the country code.
     */
    private static boolean splitsCountryCode(String v, int exitDigits, int codeLength) {
        int i = v.charAt(0) == '+' ? 1 : 0;
        int run = -exitDigits;
        for (; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            run++;
        }
        return run > 0 && run < codeLength;
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
