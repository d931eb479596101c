package dev.sluice.udf;

import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.ValueMasker;

/** {@code mask_last_n_strict(value[, charCount])}: masks the last code points whatever they are. */
public final class MaskLastNStrictFunction extends MaskingFunction {
    private static final long serialVersionUID = 1L;

    public MaskLastNStrictFunction() {
        this(null);
    }

    private MaskLastNStrictFunction(ValueMasker configured) {
        super("mask_last_n_strict", MaskRegion.LAST_N, true, configured);
    }

    @Override
    MaskingFunction withMasker(ValueMasker configured) {
        return new MaskLastNStrictFunction(configured);
    }
}
