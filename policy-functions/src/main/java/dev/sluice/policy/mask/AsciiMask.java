package dev.sluice.policy.mask;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * The fast path of the string masks for the common case, a value of ASCII characters only: one
 * lookup per character in a table made once per masker, the masked positions computed once per
 * value, and the result built from bytes (no {@code char[]} round trip). Gives exactly what the
 * general, per-character path gives; a value with any other character is left to that path.
 */
final class AsciiMask implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] replacements;

    /**
     * @param replacements for each ASCII character (index 0..127), the ASCII character it becomes
     *     when its position is masked
     */
    AsciiMask(byte[] replacements) {
        if (replacements.length != 128) {
            throw new IllegalArgumentException("one replacement per ASCII character expected");
        }
        this.replacements = replacements.clone();
    }

    /**
     * Masks positions {@code [from, to)} of {@code value}, or returns {@code null} when the value
     * holds a character that is not ASCII.
     */
    String apply(String value, MaskRegion region, int charCount) {
        int length = value.length();
        int from = region.firstMasked(length, charCount);
        int to = region.endMasked(length, charCount);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 128) {
                return null;
            }
            out[i] = i >= from && i < to ? replacements[c] : (byte) c;
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
