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

    private static final int KIND_COUNT = 16;
    private static final byte[] ASCII_INDEX = new byte[128];
    private static final byte[] ASCII_HEX = new byte[128];

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
            ASCII_INDEX[c] = (byte) index(kind);
            boolean hexLetter = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            ASCII_HEX[c] = (byte) (hexLetter ? 1 : 0);
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
        // Branch-free per character: count by kind index, no switch (mispredicted on mixed text).
        int[] counts = new int[KIND_COUNT];
        int hex = 0;
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 128) {
                counts[ASCII_INDEX[c]]++;
                hex += ASCII_HEX[c];
            } else {
                counts[nonAsciiIndex(c)]++;
            }
        }
        int kinds = 0;
        for (int k = 0; k < KIND_COUNT; k++) {
            if (counts[k] > 0) {
                kinds |= 1 << k;
            }
        }
        return new ValueShape(
                n,
                kinds,
                counts[index(DIGIT)],
                counts[index(UPPER)],
                counts[index(LOWER)],
                hex,
                counts[index(AT)],
                counts[index(DOT)],
                counts[index(COLON)],
                counts[index(DASH)],
                counts[index(SPACE)]);
    }

    private static int nonAsciiIndex(char c) {
        if (Character.isLetter(c)) {
            return index(LETTER_OTHER);
        }
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return index(WHITESPACE_OTHER);
        }
        return index(OTHER);
    }

    private static int index(int kind) {
        return Integer.numberOfTrailingZeros(kind);
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
