package dev.sluice.connectors.deadletter;

import dev.sluice.stagingschemas.SchemaChangeMode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares each staging record with the columns its table declares: a field the table does not
 * declare (and no review held back), a declared column the record lacks, or a {@code
 * source.schema_version} the plan did not know is a schema change, handled by the table's mode. A
 * version seen once is not checked again, so the cost is one scan for the version per record.
 * Records without a version are checked field by field in modes fail and evolve, and not at all in
 * mode ignore.
 */
final class SchemaChangeDetector implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SchemaChangeDetector.class);
    private static final byte[] VERSION_FIELD =
            "\"schema_version\"".getBytes(StandardCharsets.US_ASCII);

    private final String table;
    private final SchemaChangeMode mode;
    private final List<String> declared;
    private final Set<String> knownVersions;
    private final Set<String> heldBack;

    private transient Set<String> settled;
    private transient ObjectMapper mapper;
    private transient Counter changes;

    SchemaChangeDetector(
            String table,
            SchemaChangeMode mode,
            List<String> declared,
            List<String> knownVersions,
            List<String> heldBack) {
        this.table = table;
        this.mode = mode;
        this.declared = List.copyOf(declared);
        this.knownVersions = new HashSet<>(knownVersions);
        this.heldBack = new HashSet<>(heldBack);
    }

    void open(MetricGroup metrics) {
        settled = new HashSet<>();
        changes = metrics == null ? null : metrics.counter("stagingSchemaChanges");
    }

    /**
     * Checks one record; returns normally when it may be decoded (in mode {@code ignore}, or for a
     * dropped column under {@code evolve}, after one log line per change).
     *
     * @throws StagingSchemaChangedException in mode {@code fail}, and in mode {@code evolve} for an
     *     added column or a new version
     */
    void check(byte[] message) {
        if (settled == null) {
            open(null);
        }
        String version = version(message);
        if (version == null && mode == SchemaChangeMode.IGNORE) {
            // without a version there is nothing to remember a check by: ignore would parse every
            // record a second time to log one line, so it checks versioned records only
            return;
        }
        if (version != null && (knownVersions.contains(version) || settled.contains(version))) {
            return;
        }
        JsonNode row;
        try {
            if (mapper == null) {
                mapper = new ObjectMapper();
            }
            JsonNode change = mapper.readTree(message);
            row = change.path("after").isObject() ? change.get("after") : change.path("before");
        } catch (IOException | RuntimeException e) {
            return; // not JSON: the decoder sends it to dead letter
        }
        if (!row.isObject()) {
            return;
        }
        Set<String> fields = new LinkedHashSet<>();
        for (Iterator<String> names = row.fieldNames(); names.hasNext(); ) {
            fields.add(names.next());
        }
        List<String> added = new ArrayList<>();
        for (String field : fields) {
            // the decryption's marker of a shredded row is no source column
            if (!declared.contains(field)
                    && !heldBack.contains(field)
                    && !field.equals(dev.sluice.stagingkeys.StagingDecryptor.SHREDDED)) {
                added.add(field);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String column : declared) {
            if (!fields.contains(column)) {
                missing.add(column);
            }
        }
        boolean newVersion = version != null && !knownVersions.isEmpty();
        String signature = version != null ? version : added + "/" + missing;
        if (added.isEmpty() && missing.isEmpty() && !newVersion) {
            if (version != null) {
                settled.add(version);
            }
            return;
        }
        if (settled.contains(signature)) {
            return;
        }
        String what = describe(version, added, missing, newVersion);
        if (mode == SchemaChangeMode.FAIL) {
            throw new StagingSchemaChangedException(
                    false,
                    what
                            + " The sinks reading it are in mode fail. To go on: classify the new"
                            + " columns in the policy and set -- @schema-changes evolve (or ignore,"
                            + " or declare the columns in the staging table), then run sluice run or"
                            + " sluice submit again.");
        }
        if (mode == SchemaChangeMode.EVOLVE && (!added.isEmpty() || newVersion)) {
            throw new StagingSchemaChangedException(
                    true,
                    what
                            + " The sinks reading it are in mode evolve: sluice run replans and"
                            + " restarts; after sluice submit, run sluice submit again to apply it.");
        }
        settled.add(signature);
        if (changes != null) {
            changes.inc();
        }
        LOG.warn(
                "{} Mode {}: the pipeline goes on with the table's declared columns ({} reads"
                        + " NULL where a declared column is missing; undeclared fields are dropped).",
                what,
                mode.value(),
                table);
    }

    private String describe(
            String version, List<String> added, List<String> missing, boolean newVersion) {
        StringBuilder what = new StringBuilder("Schema change in staging table ").append(table);
        what.append(":");
        if (!added.isEmpty()) {
            what.append(" added ").append(String.join(", ", added)).append(";");
        }
        if (!missing.isEmpty()) {
            what.append(" dropped ").append(String.join(", ", missing)).append(";");
        }
        if (newVersion) {
            what.append(" schema_version ")
                    .append(version)
                    .append(" (planned for ")
                    .append(String.join(", ", knownVersions))
                    .append(")");
            if (added.isEmpty() && missing.isEmpty()) {
                what.append(", same column names: a type changed (retyped or widened)");
            }
            what.append(";");
        } else if (version != null) {
            what.append(" schema_version ").append(version).append(";");
        }
        what.setLength(what.length() - 1);
        return what.append('.').toString();
    }

    /** The value of {@code "schema_version"} in the record, without parsing it; null if absent. */
    static String version(byte[] message) {
        int at = indexOf(message, VERSION_FIELD);
        if (at < 0) {
            return null;
        }
        int i = at + VERSION_FIELD.length;
        while (i < message.length && (message[i] == ' ' || message[i] == ':')) {
            i++;
        }
        if (i >= message.length || message[i] != '"') {
            return null;
        }
        int start = ++i;
        while (i < message.length && message[i] != '"') {
            i++;
        }
        return i < message.length
                ? new String(message, start, i - start, StandardCharsets.US_ASCII)
                : null;
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
