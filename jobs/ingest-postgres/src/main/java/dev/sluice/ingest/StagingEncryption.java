package dev.sluice.ingest;

import dev.sluice.stagingkeys.KeyStoreSettings;
import dev.sluice.stagingkeys.SubjectKeys;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Crypto-shredding on the way into staging: per source table, the column naming the data subject
 * and the classified columns to encrypt under that subject's data key ({@link SubjectKeys}).
 * Applied to the {@code before} and {@code after} rows of each change event by {@link
 * StagingEncryptionOperator}; every other column stays plain. A row whose subject column is NULL
 * has no subject to key it by: it stays plain (docs/erasure.md#limits).
 *
 * <p>Configured by {@code staging.encryption.columns}, one entry per table: {@code
 * schema.table:subject:subject_column:col1,col2}.
 */
final class StagingEncryption implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String[] SIDES = {"before", "after"};

    /** The subject of a table's rows and the columns encrypted under its key. */
    record Rule(String subject, String subjectColumn, Set<String> columns)
            implements Serializable {}

    private final Map<String, Rule> rules;
    private final KeyStoreSettings settings;
    private transient SubjectKeys keys;
    private transient ObjectMapper mapper;

    StagingEncryption(Map<String, Rule> rules, KeyStoreSettings settings) {
        this.rules = Map.copyOf(rules);
        this.settings = settings;
    }

    Map<String, Rule> rules() {
        return rules;
    }

    KeyStoreSettings settings() {
        return settings;
    }

    /**
     * Parses {@code staging.encryption.columns}; every table must be captured, the subject column
     * is never itself encrypted (it finds the key).
     */
    static Map<String, Rule> parse(List<String> entries, List<SourceTable> captured) {
        Map<String, Rule> rules = new LinkedHashMap<>();
        Set<String> tables = new LinkedHashSet<>();
        captured.forEach(t -> tables.add(t.qualifiedName()));
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            String[] parts = entry.split(":", -1);
            if (parts.length != 4
                    || parts[0].isBlank()
                    || parts[1].isBlank()
                    || parts[2].isBlank()
                    || parts[3].isBlank()) {
                throw new IllegalArgumentException(
                        "Invalid option '"
                                + IngestOptions.ENCRYPTION_COLUMNS.key()
                                + "': '"
                                + entry
                                + "'. Write schema.table:subject:subject_column:col1,col2, e.g."
                                + " public.customers:customer:id:email,full_name.");
            }
            String table = parts[0].strip();
            if (!tables.contains(table)) {
                throw new IllegalArgumentException(
                        "Invalid option '"
                                + IngestOptions.ENCRYPTION_COLUMNS.key()
                                + "': table "
                                + table
                                + " is not captured (option 'tables' lists "
                                + tables
                                + ").");
            }
            Set<String> columns = new LinkedHashSet<>();
            for (String c : parts[3].split(",")) {
                if (!c.isBlank()) {
                    columns.add(c.strip());
                }
            }
            String subjectColumn = parts[2].strip();
            if (columns.contains(subjectColumn)) {
                throw new IllegalArgumentException(
                        "Invalid option '"
                                + IngestOptions.ENCRYPTION_COLUMNS.key()
                                + "' for "
                                + table
                                + ": the subject column "
                                + subjectColumn
                                + " cannot be encrypted, it finds the subject's key. Remove it"
                                + " from the encrypted columns.");
            }
            if (rules.put(table, new Rule(parts[1].strip(), subjectColumn, columns)) != null) {
                throw new IllegalArgumentException(
                        "Invalid option '"
                                + IngestOptions.ENCRYPTION_COLUMNS.key()
                                + "': table "
                                + table
                                + " is listed twice.");
            }
        }
        return rules;
    }

    /**
     * Checks at job start that the master key is set and the key store reachable (creating its
     * table); throws {@link dev.sluice.stagingkeys.KeyStoreException} naming what is missing.
     */
    void check(Map<String, String> environment) {
        try (SubjectKeys opened = settings.open(environment)) {
            // opened and checked
        }
    }

    /** The rule of each staging topic that has one ({@code topicOf}: schema, table → topic). */
    Map<String, Rule> byTopic(java.util.function.BiFunction<String, String, String> topicOf) {
        Map<String, Rule> out = new LinkedHashMap<>();
        rules.forEach(
                (table, rule) -> {
                    int dot = table.indexOf('.');
                    out.put(topicOf.apply(table.substring(0, dot), table.substring(dot + 1)), rule);
                });
        return out;
    }

    /**
     * Adds to {@code missing} the subject ids of the event's rows whose keys are not cached (their
     * records wait for {@link SubjectKeys#prepare}); returns true when none is missing.
     */
    boolean keysReady(Rule rule, ObjectNode envelope, Set<String> missing) {
        boolean ready = true;
        for (String side : SIDES) {
            String id = subjectId(rule, envelope.get(side));
            if (id != null && !keys().hasKey(rule.subject(), id)) {
                missing.add(id);
                ready = false;
            }
        }
        return ready;
    }

    /** Encrypts the classified columns of the event's rows, in place. */
    void apply(Rule rule, ObjectNode envelope) throws Exception {
        for (String side : SIDES) {
            if (envelope.get(side) instanceof ObjectNode row) {
                String id = subjectId(rule, row);
                if (id == null) {
                    continue;
                }
                for (String column : rule.columns()) {
                    JsonNode value = row.get(column);
                    if (value != null && !value.isNull()) {
                        row.put(
                                column,
                                keys().encrypt(
                                                rule.subject(),
                                                id,
                                                column,
                                                mapper().writeValueAsBytes(value)));
                    }
                }
            }
        }
    }

    private static String subjectId(Rule rule, JsonNode row) {
        if (!(row instanceof ObjectNode)) {
            return null;
        }
        JsonNode subjectId = row.get(rule.subjectColumn());
        return subjectId == null || subjectId.isNull() ? null : subjectId.asText();
    }

    /** Opened on first use, in the task. */
    SubjectKeys keys() {
        if (keys == null) {
            keys = settings.open();
        }
        return keys;
    }

    void close() {
        if (keys != null) {
            keys.close();
            keys = null;
        }
    }

    ObjectMapper mapper() {
        if (mapper == null) {
            // exact decimals both ways: a re-read event keeps its numbers as the encoder wrote them
            mapper =
                    new ObjectMapper()
                            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                            .enable(SerializationFeature.WRITE_BIGDECIMAL_AS_PLAIN);
        }
        return mapper;
    }
}
