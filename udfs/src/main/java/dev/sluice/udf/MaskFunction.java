package dev.sluice.udf;

import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.ValueMasker;

/**
 * Hive's {@code mask(value[, upperChar, lowerChar, digitChar, otherChar, numberChar, dayValue,
 * monthValue, yearValue])}.
 */
public final class MaskFunction extends MaskingFunction {
    private static final long serialVersionUID = 1L;

    public MaskFunction() {
        this(null);
    }

    private MaskFunction(ValueMasker configured) {
        super("mask", MaskRegion.ALL, false, configured);
    }

    @Override
    MaskingFunction withMasker(ValueMasker configured) {
        return new MaskFunction(configured);
    }
}
