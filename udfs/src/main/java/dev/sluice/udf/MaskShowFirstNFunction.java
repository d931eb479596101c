package dev.sluice.udf;

import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.ValueMasker;

/**
 * Hive's {@code mask_show_first_n(value[, charCount, upperChar, lowerChar, digitChar, otherChar,
 * numberChar, dayValue, monthValue, yearValue])}; a DATE is masked whole, as by {@code mask}.
 */
public final class MaskShowFirstNFunction extends MaskingFunction {
    private static final long serialVersionUID = 1L;

    public MaskShowFirstNFunction() {
        this(null);
    }

    private MaskShowFirstNFunction(ValueMasker configured) {
        super("mask_show_first_n", MaskRegion.SHOW_FIRST_N, false, configured);
    }

    @Override
    MaskingFunction withMasker(ValueMasker configured) {
        return new MaskShowFirstNFunction(configured);
    }
}
