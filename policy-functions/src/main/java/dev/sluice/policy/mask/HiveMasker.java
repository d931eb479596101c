package dev.sluice.policy.mask;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Objects;

/**
 * Masks values exactly like Hive's built-in {@code mask*} functions (the ones Apache Ranger's
 * masking policies call), for strings, integers and dates.
 *
 * <p>Hive semantics kept on purpose: strings are processed per UTF-16 unit; a character is replaced
 * according to {@link Character#getType(int)} — upper-case letters, lower-case letters, decimal
 * digits — and every other character (punctuation, spaces, letters of scripts without case such as
 * CJK or Arabic, surrogate halves of emoji) is kept unless {@code otherChar} is set. That is a trap
 * for sensitive data; {@link StrictMasker} masks every code point instead. Integers have their
 * decimal digits replaced by {@code numberChar}; the result wraps around like Hive's when it does
 * not fit the type (a TINYINT 123 masked with 5 gives 43).
 */
public final class HiveMasker implements ValueMasker {
    private static final long serialVersionUID = 1L;

    /** Replacement value meaning "keep the original character or date field". */
    public static final int KEEP = -1;

    public static final int DEFAULT_UPPER = 'X';
    public static final int DEFAULT_LOWER = 'x';
    public static final int DEFAULT_DIGIT = 'n';
    public static final int DEFAULT_OTHER = KEEP;
    public static final int DEFAULT_NUMBER = 1;
    public static final int DEFAULT_DAY = 1;
    public static final int DEFAULT_MONTH = 0;
    public static final int DEFAULT_YEAR = 0;
    public static final int DEFAULT_CHAR_COUNT = 4;

    private final MaskRegion region;
    private final int charCount;
    private final int upper;
    private final int lower;
    private final int digit;
    private final int other;
    private final int number;
    private final int day;
    private final int month;
    private final int year;

    /** The fast path for ASCII values, when every replacement is ASCII too; else null. */
    private final AsciiMask ascii;

    private HiveMasker(Builder b) {
        this.region = b.region;
        this.charCount = b.charCount;
        this.upper = b.upper;
        this.lower = b.lower;
        this.digit = b.digit;
        this.other = b.other;
        this.number = b.number;
        this.day = b.day;
        this.month = b.month;
        this.year = b.year;
        this.ascii = asciiReplacements() ? new AsciiMask(asciiTable()) : null;
    }

    private byte[] asciiTable() {
        byte[] table = new byte[128];
        for (char c = 0; c < 128; c++) {
            table[c] = (byte) replacement(c);
        }
        return table;
    }

    /** A masker of {@code region} with every argument at Hive's default. */
    public static HiveMasker of(MaskRegion region) {
        return builder(region).build();
    }

    public static Builder builder(MaskRegion region) {
        return new Builder(region);
    }

    @Override
    public MaskRegion region() {
        return region;
    }

    /** Masks a string; {@code null} gives {@code null}. */
    @Override
    public String mask(String value) {
        if (value == null) {
            return null;
        }
        if (ascii != null) {
            String masked = ascii.apply(value, region, charCount);
            if (masked != null) {
                return masked;
            }
        }
        return maskPerChar(value);
    }

    /** The general path: per UTF-16 unit, as Hive does. */
    String maskPerChar(String value) {
        char[] chars = value.toCharArray();
        int length = chars.length;
        for (int i = 0; i < length; i++) {
            if (region.masks(i, length, charCount)) {
                chars[i] = replacement(chars[i]);
            }
        }
        return new String(chars);
    }

    private boolean asciiReplacements() {
        return upper < 128 && lower < 128 && digit < 128 && other < 128;
    }

    private char replacement(char c) {
        int replacement;
        // ASCII first: the categories below, without Character.getType's table lookups
        if (c >= 'A' && c <= 'Z') {
            replacement = upper;
        } else if (c >= 'a' && c <= 'z') {
            replacement = lower;
        } else if (c >= '0' && c <= '9') {
            replacement = digit;
        } else if (c < 128) {
            replacement = other;
        } else {
            replacement =
                    switch (Character.getType(c)) {
                        case Character.UPPERCASE_LETTER -> upper;
                        case Character.LOWERCASE_LETTER -> lower;
                        case Character.DECIMAL_DIGIT_NUMBER -> digit;
                        default -> other;
                    };
        }
        return replacement == KEEP ? c : (char) replacement;
    }

    @Override
    public byte mask(byte value) {
        return (byte) maskDigits(value);
    }

    @Override
    public short mask(short value) {
        return (short) maskDigits(value);
    }

    @Override
    public int mask(int value) {
        return (int) maskDigits(value);
    }

    @Override
    public long mask(long value) {
        return maskDigits(value);
    }

    /**
     * Replaces the masked decimal digits of {@code value} by {@code numberChar}, keeping the sign.
     * Computed in (wrapping) long arithmetic; callers narrow to their type, which gives Hive's
     * wrapped results for values whose masked form does not fit.
     */
    private long maskDigits(long value) {
        if (value == 0) {
            return region.masks(0, 1, charCount) ? number : 0;
        }
        int length = 0;
        for (long v = value; v != 0; v /= 10) {
            length++;
        }
        // digits from the least significant; remainders of a negative value are negative
        long result = 0;
        long position = 1;
        long v = value;
        for (int fromEnd = 0; fromEnd < length; fromEnd++) {
            int d = (int) Math.abs(v % 10);
            v /= 10;
            if (region.masks(length - 1 - fromEnd, length, charCount)) {
                d = number;
            }
            result += d * position;
            position *= 10;
        }
        return value < 0 ? -result : result;
    }

    /**
     * Masks a date: each of day, month and year is replaced unless set to {@link #KEEP}. Every
     * region masks the whole date, as Hive's {@code mask_first_n}, {@code mask_last_n}, {@code
     * mask_show_first_n} and {@code mask_show_last_n} do (they inherit {@code mask}'s date rule and
     * ignore {@code charCount} for dates). A day beyond the end of the resulting month is clamped
     * to its last day, where Hive fails the query.
     */
    @Override
    public LocalDate mask(LocalDate value) {
        if (value == null) {
            return null;
        }
        int y = year == KEEP ? value.getYear() : year;
        int m = month == KEEP ? value.getMonthValue() : month + 1;
        int d = day == KEEP ? value.getDayOfMonth() : day;
        return LocalDate.of(y, m, Math.min(d, YearMonth.of(y, m).lengthOfMonth()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HiveMasker h
                && region == h.region
                && charCount == h.charCount
                && upper == h.upper
                && lower == h.lower
                && digit == h.digit
                && other == h.other
                && number == h.number
                && day == h.day
                && month == h.month
                && year == h.year;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                region, charCount, upper, lower, digit, other, number, day, month, year);
    }

    @Override
    public String toString() {
        return region.hiveName()
                + "(charCount="
                + charCount
                + ", upper="
                + upper
                + ", lower="
                + lower
                + ", digit="
                + digit
                + ", other="
                + other
                + ", number="
                + number
                + ", day="
                + day
                + ", month="
                + month
                + ", year="
                + year
                + ")";
    }

    /**
     * Builds a {@link HiveMasker}. Every setter rejects values that Hive would silently replace by
     * its default, so that a typo in a masking expression fails instead of masking differently —
     * except the two that Hive's own tests pass for "the default": numberChar -1 and dayValue 0.
     */
    public static final class Builder {
        private final MaskRegion region;
        private int charCount = DEFAULT_CHAR_COUNT;
        private int upper = DEFAULT_UPPER;
        private int lower = DEFAULT_LOWER;
        private int digit = DEFAULT_DIGIT;
        private int other = DEFAULT_OTHER;
        private int number = DEFAULT_NUMBER;
        private int day = DEFAULT_DAY;
        private int month = DEFAULT_MONTH;
        private int year = DEFAULT_YEAR;

        private Builder(MaskRegion region) {
            this.region = Objects.requireNonNull(region, "region");
        }

        public Builder charCount(int charCount) {
            if (!region.hasCharCount()) {
                throw new IllegalArgumentException(region.hiveName() + " has no charCount");
            }
            if (charCount < 0) {
                throw new IllegalArgumentException(
                        "Invalid charCount of "
                                + region.hiveName()
                                + ": "
                                + charCount
                                + ". Use a number of characters >= 0.");
            }
            this.charCount = charCount;
            return this;
        }

        /** Replacement for upper-case letters: a character, or {@link #KEEP}. */
        public Builder upper(int replacement) {
            this.upper = checkChar("upperChar", replacement);
            return this;
        }

        /** Replacement for lower-case letters: a character, or {@link #KEEP}. */
        public Builder lower(int replacement) {
            this.lower = checkChar("lowerChar", replacement);
            return this;
        }

        /** Replacement for decimal digits in strings: a character, or {@link #KEEP}. */
        public Builder digit(int replacement) {
            this.digit = checkChar("digitChar", replacement);
            return this;
        }

        /** Replacement for every other character: a character, or {@link #KEEP} (the default). */
        public Builder other(int replacement) {
            this.other = checkChar("otherChar", replacement);
            return this;
        }

        /**
         * The digit 0–9 that replaces digits of integer values; -1 (which Hive's own tests pass
         * along with -1 for the characters) means the default, 1.
         */
        public Builder number(int digit) {
            if (digit == KEEP) {
                this.number = DEFAULT_NUMBER;
                return this;
            }
            if (digit < 0 || digit > 9) {
                throw new IllegalArgumentException(
                        "Invalid numberChar of "
                                + region.hiveName()
                                + ": "
                                + digit
                                + ". Use a digit from 0 to 9, or -1 for the default 1.");
            }
            this.number = digit;
            return this;
        }

        /**
         * Day of month 1–31 that replaces the day of dates, or {@link #KEEP}; 0 means the default
         * day 1, as in Hive (whose own tests pass 0 and get day 1).
         */
        public Builder day(int day) {
            this.day = day == 0 ? DEFAULT_DAY : checkDateField("dayValue", day, 1, 31);
            return this;
        }

        /**
         * Month 0–11 (0 = January, as in Hive) that replaces the month of dates, or {@link #KEEP}.
         */
        public Builder month(int month) {
            this.month = checkDateField("monthValue", month, 0, 11);
            return this;
        }

        /** Year 0–9999 that replaces the year of dates, or {@link #KEEP}. */
        public Builder year(int year) {
            this.year = checkDateField("yearValue", year, 0, 9999);
            return this;
        }

        private int checkChar(String argument, int replacement) {
            if (replacement == KEEP) {
                return KEEP;
            }
            if (replacement < 0 || replacement > Character.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "Invalid "
                                + argument
                                + " of "
                                + region.hiveName()
                                + ": "
                                + replacement
                                + ". Use a single character such as 'x', or -1 to keep the original.");
            }
            if (Character.isSurrogate((char) replacement)) {
                throw new IllegalArgumentException(
                        "Invalid "
                                + argument
                                + " of "
                                + region.hiveName()
                                + ": a surrogate code unit. Use a single character such as 'x'.");
            }
            return replacement;
        }

        private int checkDateField(String argument, int value, int min, int max) {
            if (value != KEEP && (value < min || value > max)) {
                throw new IllegalArgumentException(
                        "Invalid "
                                + argument
                                + " of "
                                + region.hiveName()
                                + ": "
                                + value
                                + ". Use "
                                + min
                                + " to "
                                + max
                                + ", or -1 to keep the original.");
            }
            return value;
        }

        public HiveMasker build() {
            return new HiveMasker(this);
        }
    }
}
