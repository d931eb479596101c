package dev.sluice.policy.detect;

/**
 * Payment card numbers: 12 to 19 digits that pass the Luhn check and whose issuer identification
 * number (IIN) prefix and length belong to a card scheme (Visa, Mastercard, American Express,
 * Discover, JCB, Diners Club, UnionPay, Maestro, Mir, RuPay, Troy). Separators may be spaces or
 * dashes, one kind per value, in the printed groupings (4-4-4-4[-3], 4-6-5, 4-6-4).
 */
final class PaymentCardDetector extends ValueDetector {

    private static final int MAX_GROUPS = 5;

    /**
     * Every IMEI is 15 digits passing Luhn, with reporting-body prefixes 30, 35, 50-54, 86, 99...;
     * no scheme whose range overlaps (Diners, Maestro) issues 15-digit cards in practice, so that
     * length is left to Amex and legacy JCB.
     */
    private static final int IMEI_LENGTH = 15;

    @Override
    SensitiveClass sensitiveClass() {
        return SensitiveClass.PCI_PAN;
    }

    @Override
    double score(String v, ValueShape shape, ColumnContext column) {
        return cardScore(v, shape);
    }

    /** Whether the value is a card number by value alone (other detectors defer to it). */
    static boolean isCardNumber(String v, ValueShape shape) {
        return cardScore(v, shape) > 0;
    }

    private static double cardScore(String v, ValueShape shape) {
        int digits = shape.digits;
        if (digits < 12
                || digits > 19
                || !shape.onlyOf(ValueShape.DIGIT | ValueShape.SPACE | ValueShape.DASH)
                || (shape.spaces > 0 && shape.dashes > 0)
                || shape.length > digits + 4) {
            return 0;
        }
        boolean separated = shape.length > digits;
        if (separated && !printedGrouping(v)) {
            return 0;
        }
        if (!luhn(v)) {
            return 0;
        }
        int iin6 = 0;
        int taken = 0;
        for (int i = 0; i < v.length() && taken < 6; i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                iin6 = iin6 * 10 + (c - '0');
                taken++;
            }
        }
        if (!issued(iin6, digits)) {
            return 0;
        }
        return separated ? 0.95 : 0.9;
    }

    private static boolean printedGrouping(String v) {
        int[] groups = new int[MAX_GROUPS];
        int count = 0;
        int run = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                run++;
            } else {
                if (run == 0 || count == MAX_GROUPS - 1) {
                    return false; // leading or doubled separator, or too many groups
                }
                groups[count++] = run;
                run = 0;
            }
        }
        if (run == 0) {
            return false;
        }
        groups[count++] = run;
        if (count == 3 && groups[0] == 4 && groups[1] == 6 && (groups[2] == 5 || groups[2] == 4)) {
            return true;
        }
        for (int i = 0; i < count - 1; i++) {
            if (groups[i] != 4) {
                return false;
            }
        }
        return count >= 3 && groups[count - 1] >= 1 && groups[count - 1] <= 4;
    }

    static boolean luhn(CharSequence v) {
        int sum = 0;
        boolean doubled = false;
        for (int i = v.length() - 1; i >= 0; i--) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /** Whether a six-digit IIN prefix and a length belong to a card scheme. */
    static boolean issued(int iin6, int length) {
        int iin1 = iin6 / 100_000;
        int iin2 = iin6 / 10_000;
        int iin3 = iin6 / 1_000;
        int iin4 = iin6 / 100;
        if (iin1 == 4) { // Visa
            return length == 13 || length == 16 || length == 19;
        }
        if ((iin2 >= 51 && iin2 <= 55) || (iin4 >= 2221 && iin4 <= 2720)) { // Mastercard
            return length == 16;
        }
        if (iin2 == 34 || iin2 == 37) { // American Express
            return length == 15;
        }
        if (iin4 >= 2200 && iin4 <= 2204) { // Mir
            return length >= 16 && length <= 19;
        }
        if (iin4 == 6011 || (iin3 >= 644 && iin3 <= 649) || iin2 == 65) { // Discover
            return length >= 16 && length <= 19;
        }
        if ((iin4 >= 3528 && iin4 <= 3589)
                || (iin4 >= 3088 && iin4 <= 3094)
                || (iin4 >= 3096 && iin4 <= 3102)
                || (iin4 >= 3112 && iin4 <= 3120)
                || iin4 == 3158
                || iin4 == 3159
                || (iin4 >= 3337 && iin4 <= 3349)) { // JCB (the last five on Discover's network)
            return length >= 16 && length <= 19;
        }
        if (iin4 == 1800 || iin4 == 2131) { // JCB, legacy 15-digit ranges
            return length == 15;
        }
        if ((iin3 >= 300 && iin3 <= 305)
                || iin4 == 3095
                || iin2 == 36
                || iin2 == 38
                || iin2 == 39) { // Diners
            return length >= 14 && length <= 19 && length != IMEI_LENGTH;
        }
        if (iin2 == 62 || iin2 == 81) { // UnionPay (81 also RuPay)
            return length >= 16 && length <= 19;
        }
        if (iin2 == 82 || iin4 == 9792) { // RuPay, Troy
            return length == 16;
        }
        if (iin2 == 50 || (iin2 >= 56 && iin2 <= 69)) { // Maestro
            return length >= 12 && length <= 19 && length != IMEI_LENGTH;
        }
        return false;
    }
}
