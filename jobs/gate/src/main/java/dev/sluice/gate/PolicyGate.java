package dev.sluice.gate;

import dev.sluice.policy.model.MaskingFunction;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.model.Rule;
import dev.sluice.policy.model.TableMapping;
import dev.sluice.policy.model.Team;
import dev.sluice.policy.model.Treatment;
import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.SourceLocation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The policy gate: checks every sink column of a planned pipeline against the policy. A column is
 * compliant only when every path from a classified source column passes, as the value operand,
 * through a masking function the zone's rules allow; the owning team must hold a grant for every
 * dataset it reads and write to its own zone; and a class may only land in the regions it may live
 * in.
 */
public final class PolicyGate {
    private final Policy policy;
    private final Clock clock;

    public PolicyGate(Policy policy) {
        this(policy, Clock.systemUTC());
    }

    public PolicyGate(Policy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** Decides on a planned pipeline. */
    public GateReport evaluate(PlannedPipeline planned) {
        Pipeline pipeline = planned.pipeline();
        String owner = pipeline.metadata() == null ? null : pipeline.metadata().owner();
        String name =
                pipeline.metadata() == null
                        ? pipeline.pipeline().source().name()
                        : pipeline.metadata().name();
        Findings findings = new Findings();
        Set<String> classes = new TreeSet<>();
        Set<String> rulesApplied = new TreeSet<>();

        checkShadowedFunctions(planned, findings);
        Optional<Team> team = owner == null ? Optional.empty() : policy.team(owner);
        for (PlannedPipeline.PlannedInsert insert : planned.inserts()) {
            SourceLocation at = insert.insert().location();
            if (insert.unprovable() != null) {
                findings.add(
                        new Finding(
                                Finding.Kind.UNPROVABLE,
                                at,
                                null,
                                null,
                                null,
                                null,
                                null,
                                insert.unprovable(),
                                "Rewrite the INSERT with plain projections, joins, aggregates,"
                                        + " unions or UNNEST, which the gate can follow.",
                                null));
                continue;
            }
            for (SinkLineage sink : insert.sinks()) {
                try {
                    checkSink(at, owner, team, sink, findings, classes, rulesApplied);
                } catch (PolicyException e) {
                    findings.add(
                            new Finding(
                                    Finding.Kind.UNPROVABLE,
                                    at,
                                    sink.sinkTable(),
                                    null,
                                    null,
                                    null,
                                    null,
                                    e.problems().get(0).message(),
                                    "Fix the policy's table mappings.",
                                    null));
                }
            }
        }
        return new GateReport(
                name,
                pipeline.pipeline().source().name(),
                sha256(pipeline.pipeline().source().text()),
                owner,
                clock.instant(),
                findings.list(),
                classes,
                rulesApplied);
    }

    private void checkShadowedFunctions(PlannedPipeline planned, Findings findings) {
        Set<String> masking = new TreeSet<>();
        for (Rule rule : policy.rules()) {
            for (Treatment t : rule.zones().values()) {
                t.functions().forEach(f -> masking.add(f.name()));
            }
        }
        for (String fn : planned.userFunctions()) {
            String simple = fn.substring(fn.lastIndexOf('.') + 1);
            if (masking.contains(simple)) {
                findings.add(
                        new Finding(
                                Finding.Kind.SHADOWED_FUNCTION,
                                declarationOf(planned.pipeline(), simple),
                                null,
                                null,
                                null,
                                null,
                                null,
                                "The pipeline defines its own function '"
                                        + simple
                                        + "', the name of a policy masking function; the gate"
                                        + " cannot trust it to mask.",
                                "Remove the CREATE FUNCTION and use the sluice module's '"
                                        + simple
                                        + "' (LOAD MODULE sluice;).",
                                null));
            }
        }
    }

    private static SourceLocation declarationOf(Pipeline pipeline, String function) {
        Pattern p = Pattern.compile("(?is)\\bFUNCTION\\b.*\\b" + Pattern.quote(function) + "\\b");
        for (BoundStatement s : pipeline.pipeline().statements()) {
            if (p.matcher(s.sql()).find()) {
                return s.location();
            }
        }
        return new SourceLocation(pipeline.pipeline().source().name(), 1, 1);
    }

    private void checkSink(
            SourceLocation at,
            String owner,
            Optional<Team> team,
            SinkLineage sink,
            Findings findings,
            Set<String> classes,
            Set<String> rulesApplied) {
        Optional<TableMapping.Resolved> target = policy.sink(sink.sinkTable());
        String zone = target.map(TableMapping.Resolved::zone).orElse(null);
        String region = target.map(TableMapping.Resolved::region).orElse(null);
        boolean teamsDeclared = !policy.teams().isEmpty();

        // grants govern datasets: reading only unmapped tables needs no grant, whoever owns it
        if (teamsDeclared) {
            for (String table : sink.sourceTables()) {
                Optional<TableMapping.Resolved> source = policy.source(table);
                if (source.isEmpty()
                        || source.get().dataset() == null
                        || (team.isPresent() && team.get().mayRead(source.get().dataset()))) {
                    continue;
                }
                String dataset = source.get().dataset();
                findings.add(
                        new Finding(
                                Finding.Kind.GRANT,
                                at,
                                sink.sinkTable(),
                                null,
                                table,
                                null,
                                "grant",
                                team.isPresent()
                                        ? "Team '"
                                                + team.get().name()
                                                + "' has no grant to read dataset "
                                                + dataset
                                                + " (grants at "
                                                + team.get().origin()
                                                + ")."
                                        : "The pipeline's owner '"
                                                + owner
                                                + "' is not a team of the policy, so it holds no"
                                                + " grant to read dataset "
                                                + dataset
                                                + ".",
                                team.isPresent()
                                        ? "Ask the dataset's owners to add "
                                                + dataset
                                                + " to teams."
                                                + team.get().name()
                                                + ".reads, or read a dataset the team may read."
                                        : "Declare the team under teams: with the datasets it"
                                                + " reads and its zone, or set -- @owner to a team"
                                                + " of the policy ("
                                                + String.join(", ", policy.teams().keySet())
                                                + ").",
                                null));
            }
        }
        if (team.isPresent()) {
            if (zone != null
                    && !team.get().zones().isEmpty()
                    && !team.get().zones().contains(zone)) {
                findings.add(
                        new Finding(
                                Finding.Kind.ZONE,
                                at,
                                sink.sinkTable(),
                                null,
                                null,
                                null,
                                "team-zone",
                                "Team '"
                                        + team.get().name()
                                        + "' writes to zone(s) "
                                        + team.get().zones()
                                        + ", but this sink is in zone "
                                        + zone
                                        + ".",
                                "Write to a sink of zone " + team.get().zones() + ".",
                                null));
            }
        }

        for (int i = 0; i < sink.columns().size(); i++) {
            String column = sink.columns().get(i);
            for (ColumnPath path : sink.paths().get(i)) {
                Optional<TableMapping.Resolved> source = policy.source(path.source().table());
                if (source.isEmpty() || source.get().dataset() == null) {
                    continue;
                }
                String datasetColumn = source.get().dataset() + "." + path.source().column();
                for (String cls : policy.classesOf(datasetColumn)) {
                    classes.add(cls);
                    checkClass(at, sink, column, path, cls, zone, region, findings, rulesApplied);
                }
            }
        }
    }

    private void checkClass(
            SourceLocation at,
            SinkLineage sink,
            String column,
            ColumnPath path,
            String cls,
            String zone,
            String region,
            Findings findings,
            Set<String> rulesApplied) {
        String source = path.source().toString();
        String value = path.source().column();
        Optional<Set<String>> regions = policy.allowedRegions(cls);
        if (regions.isPresent() && (region == null || !regions.get().contains(region))) {
            findings.add(
                    new Finding(
                            Finding.Kind.RESIDENCY,
                            at,
                            sink.sinkTable(),
                            column,
                            source,
                            cls,
                            "residency",
                            cls
                                    + " may be stored only in "
                                    + regions.get()
                                    + ", but this sink is in "
                                    + (region == null ? "no declared region" : region)
                                    + " (masked or not, it stays personal data).",
                            "Write it to a sink in " + regions.get() + ", or drop the column.",
                            null));
        }
        if (zone == null) {
            findings.add(
                    new Finding(
                            Finding.Kind.UNMAPPED_SINK,
                            at,
                            sink.sinkTable(),
                            column,
                            source,
                            cls,
                            "unmapped-sink",
                            "The sink table has no zone in the policy, so no rule can allow "
                                    + cls
                                    + " in it.",
                            "Add the table to the policy's sinks: (table, zone, region), or drop"
                                    + " the column.",
                            null));
            return;
        }
        List<Rule> rules = policy.rulesFor(cls, zone);
        if (rules.isEmpty()) {
            findings.add(
                    new Finding(
                            Finding.Kind.NO_RULE,
                            at,
                            sink.sinkTable(),
                            column,
                            source,
                            cls,
                            "no-rule",
                            "No rule says what " + cls + " may look like in zone " + zone + ".",
                            "Add a rule (match: "
                                    + cls
                                    + ", zones: {"
                                    + zone
                                    + ": ...}) or drop the column.",
                            null));
            return;
        }
        for (Rule rule : rules) {
            Treatment t = rule.zones().get(zone);
            rulesApplied.add(rule.id());
            switch (t.kind()) {
                case ALLOW -> {}
                case DENY ->
                        findings.add(
                                new Finding(
                                        Finding.Kind.DENIED,
                                        at,
                                        sink.sinkTable(),
                                        column,
                                        source,
                                        cls,
                                        rule.id(),
                                        "Rule "
                                                + rule.id()
                                                + " ("
                                                + rule.origin()
                                                + ") denies "
                                                + cls
                                                + " in zone "
                                                + zone
                                                + ", masked or not; it arrives "
                                                + describePath(path)
                                                + ".",
                                        "Drop the column from the INSERT, or write it to a zone"
                                                + " that allows it.",
                                        null));
                case MASK -> {
                    if (!masked(path, t.functions())) {
                        MaskingFunction first = t.functions().get(0);
                        String call = callText(first, value);
                        findings.add(
                                new Finding(
                                        Finding.Kind.LEAK,
                                        at,
                                        sink.sinkTable(),
                                        column,
                                        source,
                                        cls,
                                        rule.id(),
                                        "Rule "
                                                + rule.id()
                                                + " ("
                                                + rule.origin()
                                                + ") lets "
                                                + cls
                                                + " into zone "
                                                + zone
                                                + " only through "
                                                + t
                                                + ", but it arrives "
                                                + describePath(path)
                                                + ".",
                                        "wrap the value in "
                                                + first.name()
                                                + ", e.g. "
                                                + call
                                                + (t.functions().size() > 1
                                                        ? " (or "
                                                                + t.functions().stream()
                                                                        .skip(1)
                                                                        .map(Object::toString)
                                                                        .collect(
                                                                                Collectors.joining(
                                                                                        ", "))
                                                                + ")"
                                                        : "")
                                                + ".",
                                        call));
                    }
                }
            }
        }
    }

    /** The SQL call of a masking function on a column, with the rule's arguments. */
    static String callText(MaskingFunction f, String column) {
        if (f.arguments() == null || f.arguments().isEmpty()) {
            return f.name() + "(" + column + ")";
        }
        return f.name() + "(" + column + ", " + String.join(", ", f.arguments()) + ")";
    }

    private static boolean masked(ColumnPath path, List<MaskingFunction> allowed) {
        boolean masked = false;
        for (Step step : path.steps()) {
            if (step.function().startsWith("decrypt")) {
                masked = false; // decrypt_deterministic(encrypt_deterministic(x)) is x again
                continue;
            }
            if (step.operand() != 0 || !step.systemFunction()) {
                continue;
            }
            for (MaskingFunction f : allowed) {
                if (f.accepts(step.function(), step.literalArguments())) {
                    masked = true;
                }
            }
        }
        return masked;
    }

    private static String describePath(ColumnPath path) {
        if (path.steps().isEmpty()) {
            return "as a raw copy";
        }
        return "through "
                + path.steps().stream().map(Step::toString).collect(Collectors.joining(" -> "))
                + " with no allowed masking function applied to it";
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Findings without repeats: one per sink column, source column, class, rule and kind. */
    private static final class Findings {
        private final Map<List<Object>, Finding> byKey = new LinkedHashMap<>();

        void add(Finding f) {
            byKey.putIfAbsent(
                    java.util.Arrays.asList(
                            f.kind(),
                            f.location(),
                            f.sinkTable(),
                            f.sinkColumn(),
                            f.sourceColumn(),
                            f.className(),
                            f.ruleId()),
                    f);
        }

        List<Finding> list() {
            return new ArrayList<>(byKey.values());
        }
    }
}
