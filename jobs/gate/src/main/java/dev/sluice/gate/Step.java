package dev.sluice.gate;

import java.util.List;

/**
 * One function a value passes through on its way to a sink column: the function's name (lower case;
 * built-ins by their SQL name such as {@code concat} or {@code cast}), which operand the value was,
 * the literal arguments after the first operand ({@code null} where not a literal), and whether the
 * function is a system/module function (a masking function can only be one of those: catalog
 * functions are user code).
 */
public record Step(
        String function, int operand, List<String> literalArguments, boolean systemFunction) {

    public Step {
        literalArguments =
                literalArguments == null
                        ? List.of()
                        : java.util.Collections.unmodifiableList(
                                new java.util.ArrayList<>(literalArguments));
    }

    @Override
    public String toString() {
        return function + (operand > 0 ? " (argument " + (operand + 1) + ")" : "");
    }
}
