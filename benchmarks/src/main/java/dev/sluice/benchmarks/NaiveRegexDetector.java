package dev.sluice.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The baseline a detector is measured against: one {@link Pattern} per class, each applied in turn
 * to the whole value, no validation beyond the pattern.
 */
final class NaiveRegexDetector {

    private static final String[][] PATTERNS = {
        {"PII.EMAIL", "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"},
        {"PII.PHONE", "(\\+\\d{1,3}[ -]?)?\\(?\\d{3}\\)?[ .-]?\\d{3}[ .-]?\\d{4}"},
        {"PII.SSN", "\\d{3}-\\d{2}-\\d{4}"},
        {"PII.UK_NINO", "[A-Z]{2} ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D]"},
        {"PII.DOB", "\\d{4}-\\d{2}-\\d{2}|\\d{2}/\\d{2}/\\d{4}"},
        {"PII.PERSON_NAME", "[A-Z][a-z]+(?: [A-Z][a-z]+){1,3}"},
        {"PII.ADDRESS", "\\d+ [A-Za-z ]+ (?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr)\\.?"},
        {"PCI.PAN", "(?:\\d[ -]?){12,18}\\d"},
        {"FIN.IBAN", "[A-Z]{2}\\d{2}[A-Za-z0-9 ]{11,30}"},
        {"NET.IPV4", "(?:\\d{1,3}\\.){3}\\d{1,3}"},
        {"NET.IPV6", "(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}"},
        {"NET.MAC", "(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}"},
        {"SECRET.AWS_ACCESS_KEY", "(?:AKIA|ASIA)[A-Z2-7]{16}"},
        {"SECRET.PRIVATE_KEY", "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*"},
        {"SECRET.JWT", "eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*"},
        {"SECRET.TOKEN", "[A-Za-z0-9+/=_-]{20,}"},
    };

    private final String[] codes = new String[PATTERNS.length];
    private final Pattern[] patterns = new Pattern[PATTERNS.length];

    NaiveRegexDetector() {
        for (int i = 0; i < PATTERNS.length; i++) {
            codes[i] = PATTERNS[i][0];
            patterns[i] = Pattern.compile(PATTERNS[i][1]);
        }
    }

    List<String> classesOf(String value) {
        List<String> found = null;
        for (int i = 0; i < patterns.length; i++) {
            if (patterns[i].matcher(value).matches()) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(codes[i]);
            }
        }
        return found == null ? List.of() : found;
    }
}
