package dev.sluice.ingest;

import dev.sluice.stagingkeys.KeyStoreSettings;
import dev.sluice.stagingkeys.SubjectKeys;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Crypto-shredding on the way into staging: per source table, the column naming the data subject
 * and the classified columns to encrypt under that subject's data key ({@link SubjectKeys}).
 * Applied to the {@code before} and {@code after} rows of each change event; every other column
 * stays plain. A row whose subject column is NULL has no subject to key it by: it stays plain
 * (docs/erasure.md#limits).
 *
 * <p>Configured by {@code staging.encryption.columns}, one entry per table: {@code
 * schema.table:subject:subject_column:col1,col2}.
 */
final class StagingEncryption implements Serializable {
    private static final long serialVersionUID = 1L;

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

    /** Encrypts the classified columns of the event's rows, in place. */
    void apply(String schema, String table, ObjectNode envelope) throws Exception {
        Rule rule = rules.get(schema + "." + table);
        if (rule == null) {
            return;
        }
        for (String side : new String[] {"before", "after"}) {
            if (envelope.get(side) instanceof ObjectNode row) {
                JsonNode subjectId = row.get(rule.subjectColumn());
                if (subjectId == null || subjectId.isNull()) {
                    continue;
                }
                String id = subjectId.asText();
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

    private SubjectKeys keys() {
        if (keys == null) {
            keys = settings.open();
        }
        return keys;
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        return mapper;
    }
}
