package dev.sluice.gate;

import java.util.List;

/**
 * A class a dataset column carries and the form it is in: the masking steps applied on the way
 * (empty: raw). A pipeline reading the column is judged as if those steps came first on its paths.
 */
public record Carried(String className, List<Step> masks) {
    public Carried {
        masks = List.copyOf(masks);
    }

    @Override
    public String toString() {
        return className
                + (masks.isEmpty()
                        ? " raw"
                        : " via "
                                + String.join(" -> ", masks.stream().map(Carried::call).toList()));
    }

    /** {@code mask_show_last_n(4)}: a mask with its literal arguments. */
    private static String call(Step step) {
        if (step.literalArguments().isEmpty()) {
            return step.function();
        }
        return step.function()
                + "("
                + String.join(
                        ", ",
                        step.literalArguments().stream().map(a -> a == null ? "?" : a).toList())
                + ")";
    }
}
