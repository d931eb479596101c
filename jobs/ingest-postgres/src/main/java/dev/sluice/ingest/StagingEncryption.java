package dev.sluice.ingest;

import dev.sluice.staging.StagingRecord;
import dev.sluice.stagingkeys.KeyStoreSettings;
import dev.sluice.stagingkeys.SubjectKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
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
    record Rule(String subject, String subjectColumn, Set<String> columns) implements Serializable {

        /** The encrypted columns in a fixed order: what a column's number in plain spans means. */
        List<String> columnOrder() {
            return columns.stream().sorted().toList();
        }
    }

    /** The column number of a subject id in {@link StagingRecord#plainSpans}. */
    static final int SUBJECT = -1;

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

    /** The rule of each staging topic of the job that has one; empty without encryption. */
    static Map<String, Rule> encryptedTopics(IngestConfig config) {
        StagingEncryption encryption = config.encryption();
        return encryption == null ? Map.of() : encryption.byTopic(config::topicFor);
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
     * The subject id of each row of a change (before, after) from its plain spans, as the old tree
     * path read it ({@code JsonNode.asText()}); null for a row without one.
     */
    String[] subjectIds(byte[] value, int[] spans) throws IOException {
        String[] ids = new String[SIDES.length];
        for (int i = 0; i < spans.length; i += 4) {
            if (spans[i + 1] == SUBJECT) {
                ids[spans[i]] = idText(value, spans[i + 2], spans[i + 3]);
            }
        }
        return ids;
    }

    private String idText(byte[] value, int start, int end) throws IOException {
        if (isNull(value, start, end)) {
            return null;
        }
        boolean digits = true;
        for (int i = start; i < end && digits; i++) {
            byte b = value[i];
            digits = (b >= '0' && b <= '9') || (b == '-' && i == start);
        }
        if (digits) {
            return new String(value, start, end - start, StandardCharsets.US_ASCII);
        }
        if (value[start] == '"' && value[end - 1] == '"' && indexOf(value, start, end, '\\') < 0) {
            return new String(value, start + 1, end - start - 2, StandardCharsets.UTF_8);
        }
        // escapes, decimals, booleans: as the old tree path read them
        JsonNode node = mapper().readTree(value, start, end - start);
        return node.isNull() ? null : node.asText();
    }

    /**
     * Adds to {@code missing} the subject ids of a change's rows whose keys are not cached (their
     * records wait for {@link SubjectKeys#prepare}); returns true when none is missing.
     */
    boolean keysReady(Rule rule, String[] ids, Set<String> missing) {
        boolean ready = true;
        for (String id : ids) {
            if (id != null && !keys().hasKey(rule.subject(), id)) {
                missing.add(id);
                ready = false;
            }
        }
        return ready;
    }

    /**
     * The change with the classified values at its plain spans replaced by their tokens, the rest
     * byte for byte as the encoder wrote it. Each value is encrypted as the JSON the encoder wrote
     * for it, under the key of its row's subject; a row without subject stays plain.
     */
    byte[] seal(Rule rule, List<String> columns, byte[] value, int[] spans, String[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + spans.length * 32);
        int from = 0;
        for (int i = 0; i < spans.length; i += 4) {
            int column = spans[i + 1];
            String id = ids[spans[i]];
            int start = spans[i + 2];
            int end = spans[i + 3];
            if (column == SUBJECT || id == null || isNull(value, start, end)) {
                continue;
            }
            if (start < from || value[start - 1] != ':') {
                throw new IllegalStateException(
                        "Plain span " + start + ".." + end + " is not a value of the change");
            }
            out.write(value, from, start - from);
            out.write('"');
            // a token is ASCII without characters JSON escapes (prefix, hex key id, base64)
            keys().encryptTo(
                            rule.subject(),
                            id,
                            columns.get(column),
                            value,
                            start,
                            end - start,
                            out);
            out.write('"');
            from = end;
        }
        out.write(value, from, value.length - from);
        return out.toByteArray();
    }

    private static boolean isNull(byte[] value, int start, int end) {
        return end - start == 4
                && value[start] == 'n'
                && value[start + 1] == 'u'
                && value[start + 2] == 'l'
                && value[start + 3] == 'l';
    }

    private static int indexOf(byte[] value, int start, int end, char c) {
        for (int i = start; i < end; i++) {
            if (value[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Collects, while the deserializer writes a change of this rule's table, where its subject ids
     * and classified values lie ({@link StagingRecord#plainSpans}). One per table and deserializer.
     */
    static final class Spans implements ChangeEventEncoder.ValueSpans {
        private final String subjectColumn;
        private final Map<String, Integer> columns = new HashMap<>();
        private int row;
        private int[] spans = new int[32];
        private int size;

        Spans(Rule rule) {
            this.subjectColumn = rule.subjectColumn();
            List<String> order = rule.columnOrder();
            for (int i = 0; i < order.size(); i++) {
                columns.put(order.get(i), i);
            }
        }

        /** The row (0 before, 1 after) whose values come next. */
        void row(int row) {
            this.row = row;
        }

        @Override
        public boolean watches(String column) {
            return column.equals(subjectColumn) || columns.containsKey(column);
        }

        @Override
        public void value(String column, int start, int end) {
            if (size + 4 > spans.length) {
                spans = Arrays.copyOf(spans, spans.length * 2);
            }
            spans[size++] = row;
            spans[size++] = column.equals(subjectColumn) ? SUBJECT : columns.get(column);
            spans[size++] = start;
            spans[size++] = end;
        }

        /** The spans of the change just written; starts empty again. */
        int[] take() {
            int[] taken = Arrays.copyOf(spans, size);
            size = 0;
            return taken;
        }

        void reset() {
            size = 0;
        }
    }

    /**
     * Encrypts the classified columns of the event's rows, in place: the tree path the ingest used
     * before plain spans, kept as the reference StagingEncryptionEquivalenceTest compares with.
     */
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
