package dev.sluice.policy.detect;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Dates of birth: a calendar date between 1900 and today in a column whose name speaks of birth
 * ({@code dob}, {@code birth_date}, ...). Dates alone are everywhere, so without that context a
 * date is not reported. Formats: {@code yyyy-MM-dd} (also with {@code /} or {@code .}, and with a
 * trailing time), {@code dd/MM/yyyy} or {@code MM/dd/yyyy} (also with {@code -} or {@code .}, one-
 * or two-digit day and month), and {@code yyyyMMdd}.
 */
final class BirthDateDetector implements ValueDetector {

    private static final int MIN_YEAR = 1900;

    private final int today;

    BirthDateDetector() {
        LocalDate now = LocalDate.now(ZoneOffset.UTC);
        this.today = now.getYear() * 10_000 + now.getMonthValue() * 100 + now.getDayOfMonth();
    }

    @Override
    public SensitiveClass sensitiveClass() {
        return SensitiveClass.PII_DOB;
    }

    @Override
    public double score(String v, ValueShape shape, ColumnContext column) {
        double hint = column.weight(SensitiveClass.PII_DOB);
        if (hint == 0 || shape.digits < 6 || shape.length > 32) {
            return 0;
        }
        return isDate(v) ? Math.max(0.5, hint * 0.95) : 0;
    }

    boolean isDate(String v) {
        int n = v.length();
        if (n == 8 && allDigits(v, 0, 8)) {
            return plausible(number(v, 0, 4), number(v, 4, 6), number(v, 6, 8));
        }
        int[] fieldEnds = new int[3];
        int fields = 0;
        char separator = 0;
        int i = 0;
        int start = 0;
        while (fields < 3) {
            while (i < n && isDigit(v.charAt(i))) {
                i++;
            }
            int length = i - start;
            if (length < 1 || length > 4) {
                return false;
            }
            fieldEnds[fields++] = i;
            if (fields == 3) {
                break;
            }
            if (i == n) {
                return false;
            }
            char c = v.charAt(i);
            if (separator == 0 && (c == '-' || c == '/' || c == '.')) {
                separator = c;
            } else if (c != separator) {
                return false;
            }
            start = ++i;
        }
        int end1 = fieldEnds[0];
        int end2 = fieldEnds[1];
        int end3 = fieldEnds[2];
        int f1 = number(v, 0, end1);
        int f2 = number(v, end1 + 1, end2);
        int f3 = number(v, end2 + 1, end3);
        if (end1 == 4) { // year first; a time may follow
            if (end3 != n && !timeTail(v, end3)) {
                return false;
            }
            return end2 - end1 - 1 <= 2 && end3 - end2 - 1 <= 2 && plausible(f1, f2, f3);
        }
        if (end3 != n || end3 - end2 - 1 != 4 || end1 > 2 || end2 - end1 - 1 > 2) {
            return false;
        }
        return plausible(f3, f2, f1) || plausible(f3, f1, f2);
    }

    private static boolean timeTail(String v, int from) {
        char c = v.charAt(from);
        return (c == 'T' || c == ' ') && from + 1 < v.length() && isDigit(v.charAt(from + 1));
    }

    private boolean plausible(int year, int month, int day) {
        if (year < MIN_YEAR || month < 1 || month > 12 || day < 1) {
            return false;
        }
        if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return false;
        }
        return year * 10_000 + month * 100 + day <= today;
    }

    private static boolean allDigits(String v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(v.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int number(String v, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n = n * 10 + (v.charAt(i) - '0');
        }
        return n;
    }
}
