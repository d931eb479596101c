package dev.sluice.cli;

import dev.sluice.sql.Redaction;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secrets one run of the command line knows of (declared secret variables, passwords read from
 * the environment), and the writers that keep them out of everything it prints: stdout and stderr
 * pass through {@link #redact}, which also hides credentials inside URLs and JAAS strings. Commands
 * register what they learn while running: the writers hold this object, so lines printed later,
 * from any thread, are redacted too.
 */
final class OutputSecrets {
    private static final ThreadLocal<OutputSecrets> CURRENT = new ThreadLocal<>();

    private final Set<String> values = ConcurrentHashMap.newKeySet();

    /** The secrets of the command line running on this thread (a fresh, unshared one if none). */
    static OutputSecrets current() {
        OutputSecrets secrets = CURRENT.get();
        return secrets != null ? secrets : new OutputSecrets();
    }

    static void install(OutputSecrets secrets) {
        if (secrets == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(secrets);
        }
    }

    void add(String value) {
        if (value != null && !value.isEmpty()) {
            values.add(value);
            if (value.contains("'")) {
                values.add(value.replace("'", "''"));
            }
        }
    }

    void addAll(Variables variables) {
        variables.secretValues().forEach(this::add);
    }

    String redact(String text) {
        return Redaction.credentials(Redaction.secrets(text, List.copyOf(values)));
    }

    /** A writer that redacts each line before passing it on. */
    Writer redacting(Writer target) {
        return new Writer() {
            private final StringBuilder pending = new StringBuilder();

            @Override
            public synchronized void write(char[] buffer, int offset, int length)
                    throws IOException {
                pending.append(buffer, offset, length);
                int newline = pending.lastIndexOf("\n");
                if (newline >= 0) {
                    target.write(redact(pending.substring(0, newline + 1)));
                    pending.delete(0, newline + 1);
                }
            }

            @Override
            public synchronized void flush() throws IOException {
                if (pending.length() > 0) {
                    target.write(redact(pending.toString()));
                    pending.setLength(0);
                }
                target.flush();
            }

            @Override
            public synchronized void close() throws IOException {
                flush();
                target.close();
            }
        };
    }
}
