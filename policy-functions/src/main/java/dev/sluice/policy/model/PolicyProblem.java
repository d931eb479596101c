package dev.sluice.policy.model;

/**
 * One thing wrong with a policy file: where ({@code file:line:col}), which field (a JSON pointer
 * such as {@code /rules/0/zones/analytics}) and what to do about it.
 */
public record PolicyProblem(Origin at, String field, String message) {

    @Override
    public String toString() {
        return at + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
