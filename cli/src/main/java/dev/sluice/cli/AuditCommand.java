package dev.sluice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.gate.AuditLog;
import dev.sluice.gate.SchemaReview;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice audit}: list and filter the policy gate's decisions and maintenance actions. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "List the policy gate's decisions from the audit log, newest last: pipeline, content"
                    + " hash, owner, decision, rule ids, findings, where and when it was decided."
                    + " --kind maintenance lists the actions of sluice maintain instead, --kind"
                    + " erasure the steps of sluice forget, --kind schema-change the source schema"
                    + " changes read from the staging schema registry and the schema-change"
                    + " decisions of sluice run and pipeline starts.",
            "Exit code 0 (also when nothing matches), 1 on a missing or unreadable log, 2 on"
                    + " wrong usage (an unknown --decision or --kind, a bad --since)."
        })
final class AuditCommand implements Callable<Integer> {
    private static final Pattern AGO = Pattern.compile("(\\d+)\\s*([smhdw])");

    enum Format {
        human,
        json
    }

    @Spec CommandSpec spec;

    @Option(
            names = "--log",
            paramLabel = "FILE",
            description =
                    "The JSON-lines audit log (default: $SLUICE_AUDIT_LOG or"
                            + " .sluice/audit/gate-decisions.jsonl).")
    Path log;

    @Option(
            names = "--kind",
            paramLabel = "KIND",
            description =
                    "Which records: gate (the gate's decisions) or maintenance (retention,"
                            + " compaction, snapshot expiry, orphan removal), erasure or"
                            + " schema-change (default: gate).")
    String kind = "gate";

    @Option(
            names = "--table",
            paramLabel = "NAME",
            description = "With --kind maintenance: only this table (warehouse.db.table).")
    String table;

    @Option(names = "--pipeline", paramLabel = "NAME", description = "Only this pipeline.")
    String pipeline;

    @Option(
            names = "--decision",
            paramLabel = "PASS|REJECT",
            description = "Only decisions of this kind.")
    String decision;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            description =
                    "Only decisions at or after TIME: an instant (2026-11-25T06:00:00Z) or an age"
                            + " (30m, 24h, 7d).")
    String since;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.human;

    @Override
    public Integer call() throws IOException {
        AuditLog audit = new AuditLog(log != null ? log : AuditLog.fromEnvironment().file(), null);
        if (!java.nio.file.Files.isRegularFile(audit.file())) {
            throw new UserError(
                    "No audit log at "
                            + audit.file()
                            + ": no gate decision was recorded there. Give the log with --log FILE"
                            + " (or $SLUICE_AUDIT_LOG), as written by validate, run, submit or"
                            + " deploy --audit-log.");
        }
        Instant from = since == null ? null : parseSince(since, Instant.now());
        String wanted = decision == null ? null : parseDecision(decision);
        if (!kind.equals("gate")
                && !kind.equals("maintenance")
                && !kind.equals("erasure")
                && !kind.equals(SchemaReview.AUDIT_KIND)) {
            throw new UserError(
                    "Invalid --kind: '"
                            + kind
                            + "'. Use gate, maintenance, erasure or schema-change.");
        }
        List<JsonNode> records;
        try {
            records =
                    audit.read().stream()
                            .filter(r -> kind.equals(AuditLog.kind(r)))
                            .filter(r -> table == null || table.equals(r.path("table").asText()))
                            .filter(
                                    r ->
                                            pipeline == null
                                                    || pipeline.equals(r.path("pipeline").asText()))
                            .filter(
                                    r ->
                                            wanted == null
                                                    || wanted.equals(r.path("decision").asText()))
                            .filter(
                                    r ->
                                            from == null
                                                    || !Instant.parse(r.path("time").asText())
                                                            .isBefore(from))
                            .toList();
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (kind.equals("erasure") && format == Format.human) {
            out.printf(
                    "%-24s %-24s %-4s %-28s %-8s %s%n",
                    "TIME", "REQUEST", "PASS", "DATASET", "ACTION", "OUTCOME");
            for (JsonNode r : records) {
                out.printf(
                        "%-24s %-24s %-4s %-28s %-8s %s%s%n",
                        r.path("time").asText(),
                        r.path("requestId").asText(),
                        r.path("pass").asText(),
                        r.path("dataset").asText("-"),
                        r.path("action").asText(),
                        r.path("outcome").asText(),
                        r.has("rowsDeleted") ? " " + r.path("rowsDeleted").asLong() + " rows" : "");
            }
            out.println(records.size() + (records.size() == 1 ? " record" : " records") + ".");
            out.flush();
            return ExitCodes.OK;
        }
        if (kind.equals(SchemaReview.AUDIT_KIND) && format == Format.human) {
            // two shapes share the kind: a change seen in the registry (topic, from, to) and a
            // pipeline's decision on it (pipeline, staging table, mode)
            for (JsonNode r : records) {
                if (r.has("pipeline")) {
                    String detail =
                            r.has("message")
                                    ? r.path("message").asText()
                                    : "propagated "
                                            + r.path("propagated")
                                            + ", widened "
                                            + r.path("widened")
                                            + ", held back "
                                            + r.path("heldBack")
                                            + ", sinks "
                                            + r.path("sinks");
                    out.printf(
                            "%-24s pipeline %s, staging table %s, mode %s: %s (%s)%n",
                            r.path("time").asText(),
                            r.path("pipeline").asText(),
                            r.path("stagingTable").asText("-"),
                            r.path("mode").asText(),
                            r.path("decision").asText(),
                            detail);
                    continue;
                }
                out.printf(
                        "%-24s topic %s, version %s -> %s: %s%n",
                        r.path("time").asText(),
                        r.path("topic").asText(),
                        r.path("from").asText(),
                        r.path("to").asText(),
                        r.path("summary").asText());
                for (JsonNode d : r.path("decisions")) {
                    out.println(
                            "    "
                                    + d.path("column").asText()
                                    + ": "
                                    + d.path("decision").asText()
                                    + " ("
                                    + d.path("reason").asText()
                                    + ")");
                }
            }
            out.println(records.size() + (records.size() == 1 ? " record" : " records") + ".");
            out.flush();
            return ExitCodes.OK;
        }
        if (kind.equals("maintenance") && format == Format.human) {
            out.printf(
                    "%-24s %-32s %-20s %-7s %s%n", "TIME", "TABLE", "ACTION", "OUTCOME", "DETAIL");
            for (JsonNode r : records) {
                out.printf(
                        "%-24s %-32s %s%n",
                        r.path("time").asText(),
                        r.path("table").asText(),
                        MaintainCommand.summary(r));
            }
            out.println(records.size() + (records.size() == 1 ? " action" : " actions") + ".");
            out.flush();
            return ExitCodes.OK;
        }
        if (format == Format.json) {
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(records));
        } else {
            out.printf(
                    "%-24s %-6s %-28s %-12s %-10s %-12s %s%n",
                    "TIME", "DECISION", "PIPELINE", "OWNER", "CONTEXT", "HASH", "RULES / FINDINGS");
            for (JsonNode r : records) {
                out.printf(
                        "%-24s %-6s %-28s %-12s %-10s %-12s %s%n",
                        r.path("time").asText(),
                        r.path("decision").asText(),
                        r.path("pipeline").asText(),
                        r.path("owner").asText(),
                        r.path("context").asText(),
                        r.path("contentHash")
                                .asText()
                                .substring(
                                        0, Math.min(12, r.path("contentHash").asText().length())),
                        String.join(",", texts(r.path("ruleIds")))
                                + " / "
                                + r.path("findings").size()
                                + " findings");
                for (JsonNode f : r.path("findings")) {
                    out.println(
                            "    "
                                    + f.path("location").asText()
                                    + " "
                                    + f.path("kind").asText()
                                    + " "
                                    + f.path("sinkTable").asText("")
                                    + (f.hasNonNull("sinkColumn")
                                            ? "." + f.path("sinkColumn").asText()
                                            : "")
                                    + (f.hasNonNull("sourceColumn")
                                            ? " <- " + f.path("sourceColumn").asText()
                                            : "")
                                    + (f.hasNonNull("class")
                                            ? " [" + f.path("class").asText() + "]"
                                            : ""));
                }
            }
            out.println(records.size() + (records.size() == 1 ? " decision" : " decisions") + ".");
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String parseDecision(String text) {
        String d = text.toUpperCase(Locale.ROOT);
        if (!d.equals("PASS") && !d.equals("REJECT")) {
            throw new UserError(
                    "Invalid --decision: '" + text + "'. Use PASS or REJECT.",
                    ExitCodes.USAGE,
                    null);
        }
        return d;
    }

    static Instant parseSince(String text, Instant now) {
        Matcher m = AGO.matcher(text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d =
                    switch (m.group(2)) {
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> Duration.ofDays(7 * n);
                    };
            return now.minus(d);
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new UserError(
                    "Invalid --since: '"
                            + text
                            + "'. Use an instant such as 2026-11-25T06:00:00Z or an age such as"
                            + " 24h or 7d.",
                    ExitCodes.USAGE,
                    null);
        }
    }
}
