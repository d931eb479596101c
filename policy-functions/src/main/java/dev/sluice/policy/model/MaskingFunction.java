package dev.sluice.policy.model;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A masking function a rule requires, such as {@code pseudonymize} or {@code mask_show_last_n(4)}.
 * Arguments, when given, constrain the literal arguments after the masked value: a number is an
 * upper bound ({@code mask_show_last_n(4)} also accepts 2), anything else must be equal.
 */
public record MaskingFunction(String name, List<String> arguments) {

    public MaskingFunction {
        name = name.toLowerCase(Locale.ROOT);
        arguments = arguments == null ? null : List.copyOf(arguments);
    }

    /** Parses {@code name} or {@code name(arg, ...)}. */
    public static MaskingFunction parse(String text) {
        String t = text.strip();
        int open = t.indexOf('(');
        if (open < 0) {
            return new MaskingFunction(t, null);
        }
        if (!t.endsWith(")")) {
            throw new IllegalArgumentException(
                    "Invalid masking function: " + text + ". Write name or name(arg, ...).");
        }
        List<String> args = new ArrayList<>();
        String inner = t.substring(open + 1, t.length() - 1).strip();
        if (!inner.isEmpty()) {
            for (String a : inner.split(",")) {
                args.add(unquote(a.strip()));
            }
        }
        return new MaskingFunction(t.substring(0, open).strip(), args);
    }

    /** Whether a call of {@code function} with these literal extra arguments satisfies this. */
    public boolean accepts(String function, List<String> literalArguments) {
        if (!name.equals(function.toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (arguments == null) {
            return true;
        }
        if (literalArguments.size() < arguments.size()) {
            return false;
        }
        for (int i = 0; i < arguments.size(); i++) {
            String want = arguments.get(i);
            String got = literalArguments.get(i);
            if (got == null) {
                return false; // not a literal: cannot prove it stays within the bound
            }
            BigDecimal wantNumber = number(want);
            BigDecimal gotNumber = number(got);
            if (wantNumber != null && gotNumber != null) {
                if (gotNumber.compareTo(wantNumber) > 0) {
                    return false;
                }
            } else if (!want.equals(got)) {
                return false;
            }
        }
        return true;
    }

    private static BigDecimal number(String s) {
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("'") && s.endsWith("'")) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    @Override
    public String toString() {
        return arguments == null ? name : name + "(" + String.join(", ", arguments) + ")";
    }
}
