package dev.sluice.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail of gate decisions: one JSON object per line, appended (and, when configured, the
 * same record appended to an Iceberg table by {@link AuditTable}). A record holds the pipeline, its
 * content hash, owner, decision, rule ids, per-column findings, where it was decided (validate,
 * submit, deploy, job-start) and when.
 */
public final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Default place of the log, under the working directory's {@code .sluice/}. */
    public static final Path DEFAULT_FILE = Path.of(".sluice", "audit", "gate-decisions.jsonl");

    private final Path file;
    private final AuditTable table;

    public AuditLog(Path file, AuditTable table) {
        this.file = file;
        this.table = table;
    }

    /** The log from {@code SLUICE_AUDIT_LOG} / {@code SLUICE_AUDIT_WAREHOUSE}, or the defaults. */
    public static AuditLog fromEnvironment() {
        String log = System.getenv("SLUICE_AUDIT_LOG");
        String warehouse = System.getenv("SLUICE_AUDIT_WAREHOUSE");
        return new AuditLog(
                log == null || log.isBlank() ? DEFAULT_FILE : Path.of(log),
                warehouse == null || warehouse.isBlank() ? null : new AuditTable(warehouse));
    }

    public Path file() {
        return file;
    }

    /** Appends one decision; returns the record written. */
    public ObjectNode append(GateReport report, String context) {
        return append(report, context, -1);
    }

    /**
     * Appends one decision with the time the gate took to plan and decide ({@code elapsedMillis},
     * omitted when negative).
     */
    public ObjectNode append(GateReport report, String context, long elapsedMillis) {
        ObjectNode record = toJson(report, context);
        if (elapsedMillis >= 0) {
            record.put("elapsedMillis", elapsedMillis);
        }
        writeLine(record);
        if (table != null) {
            table.append(record);
        }
        return record;
    }

    /**
     * Appends a record of another kind than a gate decision (it carries a {@code kind} field, such
     * as {@code maintenance}; gate decisions have none). Only the JSON-lines log holds them: the
     * audit table's columns are a gate decision's.
     */
    public ObjectNode appendRecord(ObjectNode record) {
        if (!record.hasNonNull("kind")) {
            throw new IllegalArgumentException("An audit record of another kind needs a kind");
        }
        writeLine(record);
        return record;
    }

    /** The kind of a record: its {@code kind} field, {@code gate} for gate decisions. */
    public static String kind(JsonNode record) {
        return record.hasNonNull("kind") ? record.get("kind").asText() : "gate";
    }

    private synchronized void writeLine(ObjectNode record) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(
                    file,
                    JSON.writeValueAsString(record) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot append to the audit log " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every record of the log, oldest first; an absent file is an empty log. */
    public List<JsonNode> read() {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            int line = 0;
            for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    out.add(JSON.readTree(text));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(
                            "Invalid audit record at "
                                    + file
                                    + ":"
                                    + line
                                    + ": "
                                    + e.getOriginalMessage()
                                    + ". The log is append-only JSON lines; restore the line"
                                    + " from a backup or remove it.");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static ObjectNode toJson(GateReport report, String context) {
        ObjectNode r = JSON.createObjectNode();
        r.put("time", report.decidedAt().toString());
        r.put("pipeline", report.pipeline());
        r.put("file", report.file());
        r.put("contentHash", report.contentHash());
        r.put("owner", report.owner());
        r.put("decision", report.decision());
        r.put("context", context);
        ArrayNode rules = r.putArray("ruleIds");
        report.ruleIds().forEach(rules::add);
        ArrayNode classes = r.putArray("classes");
        report.classesWritten().forEach(classes::add);
        ArrayNode datasets = r.putArray("datasets");
        report.datasets()
                .forEach(
                        (table, identity) -> {
                            ObjectNode d = datasets.addObject();
                            d.put("table", table);
                            d.put("identity", identity);
                        });
        r.put("datasetGraph", report.graph());
        ArrayNode findings = r.putArray("findings");
        for (Finding f : report.findings()) {
            ObjectNode o = findings.addObject();
            o.put("kind", f.kind().id());
            o.put("rule", f.ruleId());
            o.put("location", f.location().toString());
            o.put("sinkTable", f.sinkTable());
            o.put("sinkColumn", f.sinkColumn());
            o.put("sourceColumn", f.sourceColumn());
            o.put("class", f.className());
            o.put("detail", f.detail());
            o.put("fix", f.fix());
        }
        return r;
    }

    static Instant time(JsonNode record) {
        return Instant.parse(record.path("time").asText());
    }
}
