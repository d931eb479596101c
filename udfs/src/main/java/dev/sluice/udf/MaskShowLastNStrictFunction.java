package dev.sluice.udf;

import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.ValueMasker;

/**
 * {@code mask_show_last_n_strict(value[, charCount])}: masks every code point but the last ones.
 */
public final class MaskShowLastNStrictFunction extends MaskingFunction {
    private static final long serialVersionUID = 1L;

    public MaskShowLastNStrictFunction() {
        this(null);
    }

    private MaskShowLastNStrictFunction(ValueMasker configured) {
        super("mask_show_last_n_strict", MaskRegion.SHOW_LAST_N, true, configured);
    }

    @Override
    MaskingFunction withMasker(ValueMasker configured) {
        return new MaskShowLastNStrictFunction(configured);
    }
}
