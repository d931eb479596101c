package dev.sluice.policy.detect;

import java.util.Locale;
import java.util.Set;

/**
 * Person names, judged by the column first: in a name column ({@code first_name}, {@code surname},
 * {@code customer_name}; weakly {@code name}) a value of one to five words of letters (with inner
 * apostrophes, hyphens and initials' dots) counts, not counting lower-case particles of up to three
 * letters ({@code de la}, {@code van}, {@code bin}: {@code Marco Antonio de la Rosa Mora}); two or
 * more capitalized words raise the confidence, which lifts a bare {@code name} column above the
 * reporting threshold. No column signal, no name.
 */
final class PersonNameDetector extends ValueDetector {

    private static final int MAX_LENGTH = 100;
    private static final int MAX_WORDS = 5;
    private static final int MAX_PARTICLE_LENGTH = 3;
    private static final int MAX_PARTICLES = 3;
    private static final Set<String> PLACEHOLDERS =
            Set.of("n/a", "na", "none", "null", "unknown", "test", "tbd", "anonymous", "redacted");

    @Override
    SensitiveClass sensitiveClass() {
        return SensitiveClass.PII_PERSON_NAME;
    }

    @Override
    double score(String v, ValueShape shape, ColumnContext column) {
        double hint = column.weight(SensitiveClass.PII_PERSON_NAME);
        if (hint == 0
                || shape.length > MAX_LENGTH
                || shape.digits > 0
                || !shape.has(ValueShape.LETTER | ValueShape.LETTER_OTHER)
                || shape.has(ValueShape.AT | ValueShape.COLON | ValueShape.SLASH)) {
            return 0;
        }
        if (PLACEHOLDERS.contains(v.toLowerCase(Locale.ROOT))) {
            return 0;
        }
        int words = 0;
        int capitalized = 0;
        int particles = 0;
        int wordLength = 0;
        boolean lowerWord = false;
        boolean inWord = false;
        for (int i = 0; i <= v.length(); i++) {
            char c = i < v.length() ? v.charAt(i) : ' ';
            if (c == ' ' || c == ',') {
                if (inWord && lowerWord && wordLength <= MAX_PARTICLE_LENGTH) {
                    particles++;
                }
                inWord = false;
                continue;
            }
            if (!inWord) {
                if (!Character.isLetter(c)) {
                    return 0;
                }
                words++;
                if (Character.isUpperCase(c) || Character.isTitleCase(c)) {
                    capitalized++;
                }
                lowerWord = Character.isLowerCase(c);
                wordLength = 1;
                inWord = true;
            } else if (!(Character.isLetter(c) || c == '\'' || c == '-' || c == '.' || c == '’')) {
                return 0;
            } else {
                wordLength++;
            }
        }
        if (particles == words) {
            particles = 0; // all lower case: the words themselves, not particles
        }
        if (words == 0 || words - particles > MAX_WORDS || particles > MAX_PARTICLES) {
            return 0;
        }
        double shapeBonus = capitalized >= 2 && capitalized == words - particles ? 0.3 : 0;
        return hint + (1 - hint) * shapeBonus;
    }
}
