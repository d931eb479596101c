package dev.sluice.udf;

import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.ValueMasker;

/**
 * {@code mask_first_n_strict(value[, charCount])}: masks the first code points whatever they are.
 */
public final class MaskFirstNStrictFunction extends MaskingFunction {
    private static final long serialVersionUID = 1L;

    public MaskFirstNStrictFunction() {
        this(null);
    }

    private MaskFirstNStrictFunction(ValueMasker configured) {
        super("mask_first_n_strict", MaskRegion.FIRST_N, true, configured);
    }

    @Override
    MaskingFunction withMasker(ValueMasker configured) {
        return new MaskFirstNStrictFunction(configured);
    }
}
