package dev.sluice.policy.mask;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Locale;

/**
 * Generalization: values made coarser instead of hidden — dates to their year or month, numbers to
 * the lower bound of a bucket, postal codes to a prefix — and redaction.
 */
public final class Generalization {
    /** What {@link #redact(String)} returns for every non-null string. */
    public static final String REDACTED = "[REDACTED]";

    private Generalization() {}

    /** The unit {@code generalize_date} truncates to. */
    public enum DateUnit {
        YEAR,
        MONTH;

        /**
         * @throws IllegalArgumentException naming the accepted units
         */
        public static DateUnit parse(String unit) {
            if (unit != null) {
                switch (unit.trim().toLowerCase(Locale.ROOT)) {
                    case "year":
                        return YEAR;
                    case "month":
                        return MONTH;
                    default:
                        break;
                }
            }
            throw new IllegalArgumentException(
                    "Invalid unit of generalize_date: '" + unit + "'. Use 'year' or 'month'.");
        }
    }

    /** The first day of the year or month of {@code date}. */
    public static LocalDate generalizeDate(LocalDate date, DateUnit unit) {
        if (date == null) {
            return null;
        }
        return unit == DateUnit.YEAR ? date.withDayOfYear(1) : date.withDayOfMonth(1);
    }

    /** Midnight of the first day of the year or month of {@code timestamp}. */
    public static LocalDateTime generalizeDate(LocalDateTime timestamp, DateUnit unit) {
        if (timestamp == null) {
            return null;
        }
        return generalizeDate(timestamp.toLocalDate(), unit).atStartOfDay();
    }

    /**
     * The lower bound of the bucket of {@code width} holding {@code value}: {@code floor(value /
     * width) * width}, so -1 with width 10 is -10.
     *
     * @throws IllegalArgumentException when {@code width} is not positive
     */
    public static long bucket(long value, long width) {
        checkWidth(width);
        return Math.floorDiv(value, width) * width;
    }

    /**
     * @throws IllegalArgumentException when {@code width} is not positive
     */
    public static void checkWidth(long width) {
        if (width <= 0) {
            throw new IllegalArgumentException(
                    "Invalid width of bucket: " + width + ". Use a width > 0, e.g. 10.");
        }
    }

    /**
     * The first {@code length} code points of a postal code, leading and trailing spaces removed.
     *
     * @throws IllegalArgumentException when {@code length} is negative
     */
    public static String postalPrefix(String code, int length) {
        checkPrefixLength(length);
        if (code == null) {
            return null;
        }
        String trimmed = code.strip();
        int codePoints = trimmed.codePointCount(0, trimmed.length());
        return codePoints <= length
                ? trimmed
                : trimmed.substring(0, trimmed.offsetByCodePoints(0, length));
    }

    /**
     * @throws IllegalArgumentException when {@code length} is negative
     */
    public static void checkPrefixLength(int length) {
        if (length < 0) {
            throw new IllegalArgumentException(
                    "Invalid length of postal_prefix: " + length + ". Use a length >= 0, e.g. 3.");
        }
    }

    /** {@value #REDACTED} for every non-null value; {@code null} stays {@code null}. */
    public static String redact(String value) {
        return value == null ? null : REDACTED;
    }
}
