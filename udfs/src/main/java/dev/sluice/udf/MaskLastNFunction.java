package dev.sluice.udf;

import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.ValueMasker;

/**
 * Hive's {@code mask_last_n(value[, charCount, upperChar, lowerChar, digitChar, otherChar,
 * numberChar, dayValue, monthValue, yearValue])}; a DATE is masked whole, as by {@code mask}.
 */
public final class MaskLastNFunction extends MaskingFunction {
    private static final long serialVersionUID = 1L;

    public MaskLastNFunction() {
        this(null);
    }

    private MaskLastNFunction(ValueMasker configured) {
        super("mask_last_n", MaskRegion.LAST_N, false, configured);
    }

    @Override
    MaskingFunction withMasker(ValueMasker configured) {
        return new MaskLastNFunction(configured);
    }
}
