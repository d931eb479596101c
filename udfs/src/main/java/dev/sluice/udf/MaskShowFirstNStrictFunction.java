package dev.sluice.udf;

import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.ValueMasker;

/**
 * {@code mask_show_first_n_strict(value[, charCount])}: masks every code point but the first ones.
 */
public final class MaskShowFirstNStrictFunction extends MaskingFunction {
    private static final long serialVersionUID = 1L;

    public MaskShowFirstNStrictFunction() {
        this(null);
    }

    private MaskShowFirstNStrictFunction(ValueMasker configured) {
        super("mask_show_first_n_strict", MaskRegion.SHOW_FIRST_N, true, configured);
    }

    @Override
    MaskingFunction withMasker(ValueMasker configured) {
        return new MaskShowFirstNStrictFunction(configured);
    }
}
