package dev.sluice.policy.mask;

/**
 * Which positions of a value a mask function replaces, as in Hive's {@code mask}, {@code
 * mask_first_n}, {@code mask_last_n}, {@code mask_show_first_n} and {@code mask_show_last_n}.
 */
public enum MaskRegion {
    /** Every position ({@code mask}). */
    ALL("mask"),
    /** The first {@code charCount} positions ({@code mask_first_n}). */
    FIRST_N("mask_first_n"),
    /** The last {@code charCount} positions ({@code mask_last_n}). */
    LAST_N("mask_last_n"),
    /** All but the first {@code charCount} positions ({@code mask_show_first_n}). */
    SHOW_FIRST_N("mask_show_first_n"),
    /** All but the last {@code charCount} positions ({@code mask_show_last_n}). */
    SHOW_LAST_N("mask_show_last_n");

    private final String hiveName;

    MaskRegion(String hiveName) {
        this.hiveName = hiveName;
    }

    /** The name of the Hive function that masks this region. */
    public String hiveName() {
        return hiveName;
    }

    /** Whether this region counts characters, i.e. takes a {@code charCount} argument. */
    public boolean hasCharCount() {
        return this != ALL;
    }

    /**
     * Whether position {@code index} (0 = first character, or most significant digit) of a value of
     * {@code length} positions is masked.
     */
    /**
     * The first masked position of a value of {@code length} positions (masked ones are
     * contiguous).
     */
    int firstMasked(int length, int charCount) {
        return switch (this) {
            case ALL, FIRST_N, SHOW_LAST_N -> 0;
            case LAST_N -> clamp(length - charCount, length);
            case SHOW_FIRST_N -> clamp(charCount, length);
        };
    }

    /** The position after the last masked one; no position is masked when it is not above first. */
    int endMasked(int length, int charCount) {
        return switch (this) {
            case ALL, LAST_N, SHOW_FIRST_N -> length;
            case FIRST_N -> clamp(charCount, length);
            case SHOW_LAST_N -> clamp(length - charCount, length);
        };
    }

    private static int clamp(int position, int length) {
        return Math.max(0, Math.min(position, length));
    }

    boolean masks(int index, int length, int charCount) {
        return switch (this) {
            case ALL -> true;
            case FIRST_N -> index < charCount;
            case LAST_N -> index >= length - charCount;
            case SHOW_FIRST_N -> index >= charCount;
            case SHOW_LAST_N -> index < length - charCount;
        };
    }
}
