package dev.sluice.policy.mask;

import java.io.Serializable;
import java.time.LocalDate;

/** A configured mask over every value type the mask functions accept. */
public interface ValueMasker extends Serializable {
    String mask(String value);

    byte mask(byte value);

    short mask(short value);

    int mask(int value);

    long mask(long value);

    LocalDate mask(LocalDate value);

    MaskRegion region();
}
