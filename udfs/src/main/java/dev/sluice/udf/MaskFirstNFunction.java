package dev.sluice.udf;

import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.ValueMasker;

/**
 * Hive's {@code mask_first_n(value[, charCount, upperChar, lowerChar, digitChar, otherChar,
 * numberChar, dayValue, monthValue, yearValue])}; a DATE is masked whole, as by {@code mask}.
 */
public final class MaskFirstNFunction extends MaskingFunction {
    private static final long serialVersionUID = 1L;

    public MaskFirstNFunction() {
        this(null);
    }

    private MaskFirstNFunction(ValueMasker configured) {
        super("mask_first_n", MaskRegion.FIRST_N, false, configured);
    }

    @Override
    MaskingFunction withMasker(ValueMasker configured) {
        return new MaskFirstNFunction(configured);
    }
}
