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
                                + String.join(" -> ", masks.stream().map(Step::function).toList()));
    }
}
