package dev.sluice.sql;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secrets in text Sluice prints: declared secret values, replaced only where they stand as a
 * whole value (a one-character secret does not turn {@code SQLException} into {@code
 * SQLE****ception}), and credentials inside any URL or JAAS/properties string, declared or not
 * ({@code user:pass@host}, {@code password=...}, {@code password="..."}).
 */
public final class Redaction {
    public static final String REDACTED = Variables.REDACTED;

    private static final Pattern URL_USER_INFO =
            Pattern.compile("(://[^/\\s:@'\"]+):([^@/\\s'\"]+)@");

    private static final Pattern KEY_VALUE =
            Pattern.compile(
                    "(?i)((?:^|[^A-Za-z0-9])[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token"
                            + "|credentials?|api[_.-]?key|access[_.-]?key|private[_.-]?key))"
                            + "(['\"]?\\s*=\\s*)"
                            + "(\"[^\"]*\"|'(?:[^']|'')*'|[^\\s&;,'\")}\\]]+)");

    private Redaction() {}

    /** {@code text} with credentials in URLs and key=value strings replaced; null stays null. */
    public static String credentials(String text) {
        if (text == null) {
            return null;
        }
        String out = URL_USER_INFO.matcher(text).replaceAll("$1:" + REDACTED + "@");
        Matcher m = KEY_VALUE.matcher(out);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String value = m.group(3);
            String replacement;
            if (value.contains("${") || value.contains(REDACTED)) {
                replacement = m.group();
            } else if (value.startsWith("\"") || value.startsWith("'")) {
                char q = value.charAt(0);
                replacement = m.group(1) + m.group(2) + q + REDACTED + q;
            } else {
                replacement = m.group(1) + m.group(2) + REDACTED;
            }
            m.appendReplacement(b, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(b);
        return b.toString();
    }

    /**
     * {@code text} with every occurrence of a secret that stands as a whole value replaced: not
     * preceded or followed by a letter or digit where the secret itself starts or ends with one.
     */
    public static String secrets(String text, Collection<String> secrets) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        List<String> longestFirst =
                secrets.stream()
                        .filter(s -> !s.isEmpty())
                        .distinct()
                        .sorted(Comparator.comparingInt(String::length).reversed())
                        .toList();
        String out = text;
        for (String secret : longestFirst) {
            out = replaceWhole(out, secret);
        }
        return out;
    }

    private static String replaceWhole(String text, String secret) {
        int at = text.indexOf(secret);
        if (at < 0) {
            return text;
        }
        boolean wordStart = Character.isLetterOrDigit(secret.charAt(0));
        boolean wordEnd = Character.isLetterOrDigit(secret.charAt(secret.length() - 1));
        StringBuilder b = new StringBuilder();
        int copied = 0;
        while (at >= 0) {
            int end = at + secret.length();
            boolean before = at > 0 && Character.isLetterOrDigit(text.charAt(at - 1));
            boolean after = end < text.length() && Character.isLetterOrDigit(text.charAt(end));
            if ((wordStart && before) || (wordEnd && after)) {
                at = text.indexOf(secret, at + 1);
                continue;
            }
            b.append(text, copied, at).append(REDACTED);
            copied = end;
            at = text.indexOf(secret, end);
        }
        b.append(text, copied, text.length());
        return b.toString();
    }
}
