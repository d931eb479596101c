package dev.sluice.policy.mask;

import java.time.LocalDate;
import java.util.Objects;

/**
 * The safer counterpart of {@link HiveMasker} for strings: every masked code point is replaced,
 * whatever its script or category. Letters of any script become {@code X} (upper or title case) or
 * {@code x}, digits of any script {@code n}, and everything else — punctuation, spaces, symbols,
 * emoji — {@code *}. Positions count code points, so a surrogate pair is never split. Integers and
 * dates are masked as by {@link HiveMasker} with the same region (they have no such trap).
 */
public final class StrictMasker implements ValueMasker {
    private static final long serialVersionUID = 1L;

    private final MaskRegion region;
    private final int charCount;
    private final HiveMasker numbers;
    private final AsciiMask ascii;

    private StrictMasker(MaskRegion region, int charCount) {
        this.region = Objects.requireNonNull(region, "region");
        if (charCount < 0) {
            throw new IllegalArgumentException(
                    "Invalid charCount of "
                            + region.hiveName()
                            + "_strict: "
                            + charCount
                            + ". Use a number of characters >= 0.");
        }
        this.charCount = charCount;
        HiveMasker.Builder builder = HiveMasker.builder(region);
        if (region.hasCharCount()) {
            builder.charCount(charCount);
        }
        this.numbers = builder.build();
        byte[] table = new byte[128];
        for (char c = 0; c < 128; c++) {
            table[c] = (byte) replacement(c);
        }
        this.ascii = new AsciiMask(table);
    }

    /**
     * A strict masker of {@code region}, counting {@code charCount} code points where it applies.
     */
    public static StrictMasker of(MaskRegion region, int charCount) {
        return new StrictMasker(region, charCount);
    }

    public static StrictMasker of(MaskRegion region) {
        return new StrictMasker(region, HiveMasker.DEFAULT_CHAR_COUNT);
    }

    @Override
    public MaskRegion region() {
        return region;
    }

    @Override
    public String mask(String value) {
        if (value == null) {
            return null;
        }
        String masked = ascii.apply(value, region, charCount);
        return masked != null ? masked : maskPerCodePoint(value);
    }

    /** The general path: per code point. */
    String maskPerCodePoint(String value) {
        int length = value.codePointCount(0, value.length());
        StringBuilder out = new StringBuilder(value.length());
        int index = 0;
        for (int offset = 0; offset < value.length(); index++) {
            int cp = value.codePointAt(offset);
            offset += Character.charCount(cp);
            if (region.masks(index, length, charCount)) {
                out.append(replacement(cp));
            } else {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    private static char replacement(int codePoint) {
        if (Character.isLetter(codePoint)) {
            return Character.isUpperCase(codePoint) || Character.isTitleCase(codePoint) ? 'X' : 'x';
        }
        if (Character.isDigit(codePoint)) {
            return 'n';
        }
        return '*';
    }

    @Override
    public byte mask(byte value) {
        return numbers.mask(value);
    }

    @Override
    public short mask(short value) {
        return numbers.mask(value);
    }

    @Override
    public int mask(int value) {
        return numbers.mask(value);
    }

    @Override
    public long mask(long value) {
        return numbers.mask(value);
    }

    @Override
    public LocalDate mask(LocalDate value) {
        return numbers.mask(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StrictMasker s && region == s.region && charCount == s.charCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(region, charCount);
    }

    @Override
    public String toString() {
        return region.hiveName() + "_strict(charCount=" + charCount + ")";
    }
}
