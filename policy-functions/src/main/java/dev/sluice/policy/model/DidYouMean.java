package dev.sluice.policy.model;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Finds the name a misspelt one was probably meant to be: the closest candidate by edit distance
 * (Levenshtein), if it is close enough to be a typo rather than another name.
 */
public final class DidYouMean {
    private DidYouMean() {}

    /** The closest candidate within {@code maxDistance} edits (ties: the first in order). */
    public static Optional<String> closest(
            String name, Collection<String> candidates, int maxDistance) {
        return candidates.stream()
                .filter(c -> !c.equals(name))
                .filter(c -> distance(c, name) <= maxDistance)
                .min(Comparator.comparingInt((String c) -> distance(c, name)));
    }

    /** The closest candidate within 2 edits, and fewer than half the name's length. */
    public static Optional<String> closest(String name, Collection<String> candidates) {
        return closest(name, candidates, Math.min(2, Math.max(1, (name.length() - 1) / 2)));
    }

    /** {@code " Did you mean 'x'?"}, or "" when nothing is close. */
    public static String hint(String name, Collection<String> candidates) {
        return closest(name, candidates).map(c -> " Did you mean '" + c + "'?").orElse("");
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character. */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] =
                        Math.min(
                                Math.min(current[j - 1] + 1, previous[j] + 1),
                                previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
