package dev.sluice.policy.model;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a rule says about a class in one sink zone: raw values allowed, only values passed through
 * one of the listed masking functions, or nothing at all.
 */
public record Treatment(Kind kind, List<MaskingFunction> functions) {

    /** The three possible verdicts of a rule for a zone. */
    public enum Kind {
        ALLOW,
        MASK,
        DENY
    }

    public Treatment {
        functions = List.copyOf(functions);
        if ((kind == Kind.MASK) == functions.isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid treatment: MASK needs at least one function, ALLOW and DENY none.");
        }
    }

    public static final Treatment ALLOW = new Treatment(Kind.ALLOW, List.of());
    public static final Treatment DENY = new Treatment(Kind.DENY, List.of());

    public static Treatment mask(List<MaskingFunction> functions) {
        return new Treatment(Kind.MASK, functions);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ALLOW -> "allow";
            case DENY -> "deny";
            case MASK ->
                    functions.stream()
                            .map(MaskingFunction::toString)
                            .collect(Collectors.joining(" | "));
        };
    }
}
