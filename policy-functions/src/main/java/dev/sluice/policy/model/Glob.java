package dev.sluice.policy.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A name pattern of the policy: {@code *} stands for any run of characters (dots included), all
 * else is literal and case-sensitive. What the stars matched can be put into another pattern, which
 * is how {@code staging.payments_*} maps to dataset {@code payments.*}.
 */
public final class Glob {
    private final String text;
    private final Pattern regex;

    private Glob(String text) {
        this.text = text;
        StringBuilder b = new StringBuilder();
        for (String part : text.split("\\*", -1)) {
            if (b.length() > 0) {
                b.append("(.*)");
            }
            b.append(Pattern.quote(part));
        }
        this.regex = Pattern.compile(b.toString());
    }

    public static Glob of(String text) {
        return new Glob(text);
    }

    public boolean matches(String name) {
        return regex.matcher(name).matches();
    }

    /**
     * Puts what this glob's stars matched in {@code name} into the stars of {@code target}, in
     * order; a target with fewer stars keeps only the first captures, extra stars stay {@code *}.
     */
    public String substitute(String name, String target) {
        Matcher m = regex.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " does not match " + text);
        }
        StringBuilder out = new StringBuilder();
        int group = 1;
        for (char c : target.toCharArray()) {
            if (c == '*' && group <= m.groupCount()) {
                out.append(m.group(group++));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether some name matches both patterns ({@code *} in either matches any run). */
    public static boolean intersects(String a, String b) {
        return intersects(a, 0, b, 0, new java.util.HashMap<>());
    }

    private static boolean intersects(
            String a, int i, String b, int j, java.util.Map<Long, Boolean> memo) {
        long key = ((long) i << 32) | j;
        Boolean known = memo.get(key);
        if (known != null) {
            return known;
        }
        boolean result;
        if (i == a.length() && j == b.length()) {
            result = true;
        } else if (i < a.length() && a.charAt(i) == '*') {
            result =
                    intersects(a, i + 1, b, j, memo)
                            || (j < b.length() && intersects(a, i, b, j + 1, memo));
        } else if (j < b.length() && b.charAt(j) == '*') {
            result =
                    intersects(a, i, b, j + 1, memo)
                            || (i < a.length() && intersects(a, i + 1, b, j, memo));
        } else {
            result =
                    i < a.length()
                            && j < b.length()
                            && a.charAt(i) == b.charAt(j)
                            && intersects(a, i + 1, b, j + 1, memo);
        }
        memo.put(key, result);
        return result;
    }

    /** How much of the pattern is literal: a more specific pattern wins over a broader one. */
    public int specificity() {
        return text.replace("*", "").length();
    }

    @Override
    public String toString() {
        return text;
    }
}
