package dev.sluice.sql;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The values of {@code ${NAME}} references in SQL files, each with where it came from and whether
 * it is secret. Secret values are replaced by {@value #REDACTED} in everything Sluice prints: see
 * {@link #redact(String)}.
 *
 * <p>Later sources win: build with the environment first, then files, then {@code --var}. A name
 * that looks like a credential ({@code *PASSWORD}, {@code *SECRET}, {@code *TOKEN}, {@code *_KEY},
 * {@code *CREDENTIALS}) is secret whatever its source.
 */
public final class Variables {
    public static final String REDACTED = "****";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|_KEY|CREDENTIALS?)$");

    /** One variable: its value, whether it is secret, and where it came from (for messages). */
    public record Value(String value, boolean secret, String origin) {
        @Override
        public String toString() {
            return (secret ? REDACTED : value) + " (from " + origin + ")";
        }
    }

    private final Map<String, Value> values;
    private final List<String> secretsLongestFirst;

    private Variables(Map<String, Value> values) {
        this.values = Map.copyOf(values);
        List<String> secrets = new ArrayList<>();
        for (Value value : values.values()) {
            if (value.secret() && !value.value().isEmpty()) {
                secrets.add(value.value());
                // the form it takes inside a SQL literal
                if (value.value().contains("'")) {
                    secrets.add(value.value().replace("'", "''"));
                }
            }
        }
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        this.secretsLongestFirst = List.copyOf(secrets);
    }

    public static Variables empty() {
        return new Variables(Map.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Value> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public Set<String> names() {
        return values.keySet();
    }

    /** A copy with more variables on top (they win over these). */
    public Variables with(Variables overrides) {
        Map<String, Value> merged = new LinkedHashMap<>(values);
        merged.putAll(overrides.values);
        return new Variables(merged);
    }

    /**
     * {@code text} with every secret value (where it stands as a whole value) and every credential
     * inside a URL or key=value string replaced by {@value #REDACTED}; null stays null. See {@link
     * Redaction}.
     */
    public String redact(String text) {
        return Redaction.credentials(Redaction.secrets(text, secretsLongestFirst));
    }

    /** The secret values, for redaction in output these variables did not produce. */
    public List<String> secretValues() {
        return secretsLongestFirst;
    }

    static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    /** Collects variables; later calls override earlier ones of the same name. */
    public static final class Builder {
        private final Map<String, Value> values = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Adds one variable.
         *
         * @throws IllegalArgumentException if the name is not a valid variable name
         */
        public Builder put(String name, String value, boolean secret, String origin) {
            if (!isValidName(name)) {
                throw new IllegalArgumentException(
                        "Invalid variable name: '"
                                + name
                                + "' (from "
                                + origin
                                + "). Use letters, digits and '_', not starting with a digit,"
                                + " e.g. KAFKA_BOOTSTRAP_SERVERS.");
            }
            values.put(
                    name, new Value(value, secret || SECRET_NAME.matcher(name).matches(), origin));
            return this;
        }

        /**
         * Adds a {@code NAME=value} assignment as given on the command line.
         *
         * @throws IllegalArgumentException if there is no {@code =} or the name is invalid
         */
        public Builder assignment(String assignment, boolean secret, String origin) {
            int equals = assignment.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(
                        "Invalid variable assignment: '"
                                + (secret ? REDACTED : assignment)
                                + "' (from "
                                + origin
                                + "). Write NAME=value, e.g. --var KAFKA_BOOTSTRAP_SERVERS=localhost:9092.");
            }
            return put(
                    assignment.substring(0, equals),
                    assignment.substring(equals + 1),
                    secret,
                    origin);
        }

        /** Adds the environment; the names in {@code secretNames} are secret. */
        public Builder environment(
                Map<String, String> environment, Collection<String> secretNames) {
            environment.forEach(
                    (name, value) -> {
                        if (isValidName(name)) {
                            put(name, value, secretNames.contains(name), "environment");
                        }
                    });
            return this;
        }

        /**
         * Adds every {@code NAME=value} line of a file (Java properties syntax: {@code #} comments,
         * {@code \} escapes).
         *
         * @throws IOException if the file cannot be read
         */
        public Builder file(Path file, boolean secret) throws IOException {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            for (String name : properties.stringPropertyNames()) {
                put(name.strip(), properties.getProperty(name), secret, "file " + file);
            }
            return this;
        }

        public Variables build() {
            return new Variables(values);
        }
    }
}
