package dev.sluice.policy.mask;

import java.io.Serializable;
import java.time.LocalDate;

/** A configured mask over every value type the mask functions accept. */
public interface ValueMasker extends Serializable {
    String mask(String value);

    /**
     * Masks a string given as its UTF-8 bytes when they are all ASCII (so that bytes are
     * characters) and the result is ASCII too; returns a new array, or {@code null} when the caller
     * must decode and use {@link #mask(String)}. Lets Flink adapters skip decoding.
     */
    byte[] maskAscii(byte[] utf8);

    byte mask(byte value);

    short mask(short value);

    int mask(int value);

    long mask(long value);

    LocalDate mask(LocalDate value);

    MaskRegion region();
}
