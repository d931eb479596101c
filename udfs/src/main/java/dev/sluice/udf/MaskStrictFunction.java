package dev.sluice.udf;

import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.ValueMasker;

/**
 * {@code mask_strict(value)}: like {@code mask}, but every code point of a string is masked (see
 * {@link dev.sluice.policy.mask.StrictMasker}).
 */
public final class MaskStrictFunction extends MaskingFunction {
    private static final long serialVersionUID = 1L;

    public MaskStrictFunction() {
        this(null);
    }

    private MaskStrictFunction(ValueMasker configured) {
        super("mask_strict", MaskRegion.ALL, true, configured);
    }

    @Override
    MaskingFunction withMasker(ValueMasker configured) {
        return new MaskStrictFunction(configured);
    }
}
