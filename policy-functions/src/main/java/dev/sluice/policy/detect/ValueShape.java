package dev.sluice.policy.detect;

/**
 * Character statistics of one value, gathered in a single pass so that each detector can reject a
 * value by its shape (which kinds of characters it holds, how many) before any validation work.
 */
final class ValueShape {
    static final int DIGIT = 1;
    static final int UPPER = 1 << 1;
    static final int LOWER = 1 << 2;
    static final int LETTER_OTHER = 1 << 3;
    static final int SPACE = 1 << 4;
    static final int WHITESPACE_OTHER = 1 << 5;
    static final int AT = 1 << 6;
    static final int DOT = 1 << 7;
    static final int COLON = 1 << 8;
    static final int DASH = 1 << 9;
    static final int PLUS = 1 << 10;
    static final int PAREN = 1 << 11;
    static final int SLASH = 1 << 12;
    static final int UNDERSCORE = 1 << 13;
    static final int EQUALS = 1 << 14;
    static final int OTHER = 1 << 15;
    static final int LETTER = UPPER | LOWER;

    private static final int[] ASCII_KIND = new int[128];

    static {
        for (int c = 0; c < 128; c++) {
            int kind;
            if (c >= '0' && c <= '9') {
                kind = DIGIT;
            } else if (c >= 'A' && c <= 'Z') {
                kind = UPPER;
            } else if (c >= 'a' && c <= 'z') {
                kind = LOWER;
            } else {
                kind =
                        switch (c) {
                            case ' ' -> SPACE;
                            case '\t', '\n', '\r', '\f', 0x0B -> WHITESPACE_OTHER;
                            case '@' -> AT;
                            case '.' -> DOT;
                            case ':' -> COLON;
                            case '-' -> DASH;
                            case '+' -> PLUS;
                            case '(', ')' -> PAREN;
                            case '/' -> SLASH;
                            case '_' -> UNDERSCORE;
                            case '=' -> EQUALS;
                            default -> OTHER;
                        };
            }
            ASCII_KIND[c] = kind;
        }
    }

    final int length;
    final int kinds;
    final int digits;
    final int upper;
    final int lower;
    final int hexLetters;
    final int ats;
    final int dots;
    final int colons;
    final int dashes;
    final int spaces;

    private ValueShape(
            int length,
            int kinds,
            int digits,
            int upper,
            int lower,
            int hexLetters,
            int ats,
            int dots,
            int colons,
            int dashes,
            int spaces) {
        this.length = length;
        this.kinds = kinds;
        this.digits = digits;
        this.upper = upper;
        this.lower = lower;
        this.hexLetters = hexLetters;
        this.ats = ats;
        this.dots = dots;
        this.colons = colons;
        this.dashes = dashes;
        this.spaces = spaces;
    }

    static ValueShape of(String value) {
        int kinds = 0;
        int digits = 0;
        int upper = 0;
        int lower = 0;
        int hex = 0;
        int ats = 0;
        int dots = 0;
        int colons = 0;
        int dashes = 0;
        int spaces = 0;
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            int kind;
            if (c < 128) {
                kind = ASCII_KIND[c];
            } else if (Character.isLetter(c)) {
                kind = LETTER_OTHER;
            } else if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                kind = WHITESPACE_OTHER;
            } else {
                kind = OTHER;
            }
            kinds |= kind;
            switch (kind) {
                case DIGIT -> digits++;
                case UPPER -> {
                    upper++;
                    if (c <= 'F') {
                        hex++;
                    }
                }
                case LOWER -> {
                    lower++;
                    if (c <= 'f') {
                        hex++;
                    }
                }
                case AT -> ats++;
                case DOT -> dots++;
                case COLON -> colons++;
                case DASH -> dashes++;
                case SPACE -> spaces++;
                default -> {}
            }
        }
        return new ValueShape(
                n, kinds, digits, upper, lower, hex, ats, dots, colons, dashes, spaces);
    }

    /** True when the value holds no character outside the given kinds. */
    boolean onlyOf(int allowedKinds) {
        return (kinds & ~allowedKinds) == 0;
    }

    boolean has(int kind) {
        return (kinds & kind) != 0;
    }

    int letters() {
        return upper + lower;
    }
}
