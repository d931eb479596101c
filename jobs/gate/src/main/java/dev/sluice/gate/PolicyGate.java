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
import java.util.LinkedHashSet;
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

    /** Decides on a planned pipeline alone: other pipelines' datasets carry declared classes. */
    public GateReport evaluate(PlannedPipeline planned) {
        return evaluate(planned, DatasetGraph.none());
    }

    /** Decides on a planned pipeline as part of a dataset graph. */
    public GateReport evaluate(PlannedPipeline planned, DatasetGraph graph) {
        return new Evaluation(planned, graph).run().report();
    }

    /** What the pipeline writes into each persistent dataset, for the dataset graph. */
    Map<DatasetIdentity, Map<String, Set<Carried>>> written(
            PlannedPipeline planned, DatasetGraph graph) {
        return new Evaluation(planned, graph).run().written;
    }

    /**
     * The classes that reach each column of each sink of a pipeline judged alone, by the sink's
     * table key ({@link SinkLineage#sinkTable()}); a column no class reaches maps to an empty set.
     * The pipeline job's drift detection watches the string columns that carry none.
     */
    public Map<String, Map<String, Set<String>>> sinkColumnClasses(PlannedPipeline planned) {
        return new Evaluation(planned, DatasetGraph.none()).run().sinkClasses;
    }

    /** One evaluation of one pipeline: its findings, what it reads and writes. */
    private final class Evaluation {
        final PlannedPipeline planned;
        final DatasetGraph graph;
        final Pipeline pipeline;
        final String owner;
        final Optional<Team> team;
        final Findings findings = new Findings();
        final Set<String> classes = new TreeSet<>();
        final Set<String> rulesApplied = new TreeSet<>();
        final Map<String, String> datasets = new LinkedHashMap<>();
        final Map<DatasetIdentity, Map<String, Set<Carried>>> written = new LinkedHashMap<>();
        final Map<String, Map<String, Set<String>>> sinkClasses = new LinkedHashMap<>();
        DatasetResolver resolver;

        Evaluation(PlannedPipeline planned, DatasetGraph graph) {
            this.planned = planned;
            this.graph = graph;
            this.pipeline = planned.pipeline();
            this.owner = pipeline.metadata() == null ? null : pipeline.metadata().owner();
            this.team = owner == null ? Optional.empty() : policy.team(owner);
        }

        Evaluation run() {
            checkShadowedFunctions(planned, findings);
            resolver = new DatasetResolver(policy, pipeline.variables(), planned.catalogTables());
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
                                    "Rewrite the INSERT with plain projections, joins,"
                                            + " aggregates, unions or UNNEST, which the gate can"
                                            + " follow.",
                                    null));
                    continue;
                }
                for (SinkLineage sink : insert.sinks()) {
                    try {
                        checkSink(at, insert, sink);
                    } catch (PolicyException e) {
                        findings.add(
                                new Finding(
                                        Finding.Kind.POLICY,
                                        at,
                                        sink.sinkTable(),
                                        null,
                                        null,
                                        null,
                                        null,
                                        e.problems().get(0).message(),
                                        "Fix the policy's sources:/sinks: entries.",
                                        null));
                    }
                }
            }
            return this;
        }

        GateReport report() {
            String name =
                    pipeline.metadata() == null
                            ? pipeline.pipeline().source().name()
                            : pipeline.metadata().name();
            return new GateReport(
                    name,
                    pipeline.pipeline().source().name(),
                    sha256(pipeline.pipeline().source().text()),
                    owner,
                    clock.instant(),
                    findings.list(),
                    classes,
                    rulesApplied,
                    datasets,
                    graph.complete());
        }

        /** The identities of a table of the plan, or a finding saying why there are none. */
        List<DatasetIdentity> identities(
                SourceLocation at, PlannedPipeline.PlannedInsert insert, String key) {
            Map<String, String> options = insert.tableOptions().getOrDefault(key, Map.of());
            try {
                return resolver.identities(options);
            } catch (DatasetIdentity.Problem e) {
                String table = key.contains(" /*+") ? key.substring(0, key.indexOf(" /*+")) : key;
                SourceLocation declared =
                        key.contains(" /*+") ? at : declarationOfTable(pipeline, table, at);
                findings.add(
                        new Finding(
                                Finding.Kind.IDENTITY,
                                declared,
                                key,
                                null,
                                null,
                                null,
                                "identity",
                                "option '"
                                        + e.option()
                                        + "' of table "
                                        + table
                                        + ": "
                                        + e.getMessage(),
                                e.fix(),
                                null));
                return null;
            }
        }

        /** What a source identity holds: its classes per column, with their form. */
        private Map<String, Set<Carried>> sourceClasses(
                SourceLocation at,
                String key,
                DatasetIdentity identity,
                SinkLineage sink,
                Set<String> readColumns) {
            List<TableMapping.Resolved> mapped = resolver.source(identity, graph.topics());
            Map<String, Set<Carried>> out = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            for (TableMapping.Resolved r : mapped) {
                names.add(DatasetResolver.describe(r));
                checkGrant(at, sink, key, r.dataset());
                if (r.dataset() == null) {
                    continue;
                }
                for (String column : readColumns) {
                    for (String cls : policy.classesOf(r.dataset() + "." + column)) {
                        out.computeIfAbsent(column, k -> new LinkedHashSet<>())
                                .add(new Carried(cls, List.of()));
                    }
                }
                // a column the dataset does not have may be one of its columns renamed
                Set<String> known = resolver.catalogColumns(identity);
                if (!known.isEmpty()) {
                    Set<Carried> all = new LinkedHashSet<>();
                    for (String column : known) {
                        policy.classesOf(r.dataset() + "." + column)
                                .forEach(c -> all.add(new Carried(c, List.of())));
                    }
                    for (String column : readColumns) {
                        if (!known.contains(column) && !all.isEmpty()) {
                            out.computeIfAbsent(column, k -> new LinkedHashSet<>()).addAll(all);
                        }
                    }
                }
            }
            List<DatasetIdentity> written = graph.readBy(identity);
            for (DatasetIdentity w : written) {
                names.add("written by " + graph.writers(w));
                Map<String, Set<Carried>> carried = graph.carried(w);
                Set<Carried> all = new LinkedHashSet<>();
                carried.values().forEach(all::addAll);
                for (String column : readColumns) {
                    Set<Carried> c = carried.get(column);
                    out.computeIfAbsent(column, k -> new LinkedHashSet<>())
                            .addAll(c != null ? c : all);
                }
            }
            datasets.put(
                    key + " (source)",
                    identity
                            + (names.isEmpty()
                                    ? " [unmapped]"
                                    : " [" + String.join("; ", names) + "]"));
            if (mapped.isEmpty()
                    && written.isEmpty()
                    && !identity.generated()
                    && policy.unmappedSources() == Policy.UnmappedSources.REJECT) {
                findings.add(
                        new Finding(
                                Finding.Kind.UNMAPPED_SOURCE,
                                at,
                                sink.sinkTable(),
                                null,
                                key,
                                null,
                                "unmapped-source",
                                "The pipeline reads "
                                        + identity
                                        + ", which no sources: or sinks: entry of the policy"
                                        + " maps, so the gate cannot know what it holds"
                                        + (graph.complete()
                                                ? ""
                                                : " (validate the whole folder to follow datasets"
                                                        + " other pipelines write)")
                                        + ".",
                                "Map it in the policy, e.g. - {"
                                        + identity.kind()
                                        + ": {"
                                        + identity.fields().entrySet().stream()
                                                .filter(e -> !e.getKey().equals("port"))
                                                .map(e -> e.getKey() + ": '" + e.getValue() + "'")
                                                .collect(Collectors.joining(", "))
                                        + "}, dataset: <domain.table>}, or set"
                                        + " unmapped_sources: unclassified if unmapped places hold"
                                        + " nothing sensitive.",
                                null));
            }
            return out;
        }

        private void checkGrant(SourceLocation at, SinkLineage sink, String table, String dataset) {
            // grants govern datasets: reading only unmapped tables needs no grant
            if (policy.teams().isEmpty()
                    || dataset == null
                    || (team.isPresent() && team.get().mayRead(dataset))) {
                return;
            }
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

        private void checkSink(
                SourceLocation at, PlannedPipeline.PlannedInsert insert, SinkLineage sink) {
            List<DatasetIdentity> sinkIds = identities(at, insert, sink.sinkTable());
            // what every source table holds, column by column
            Map<String, Set<String>> readColumns = new LinkedHashMap<>();
            for (Set<ColumnPath> paths : sink.paths()) {
                for (ColumnPath p : paths) {
                    readColumns
                            .computeIfAbsent(p.source().table(), k -> new TreeSet<>())
                            .add(p.source().column());
                }
            }
            Map<String, Map<String, Set<Carried>>> sourceClasses = new LinkedHashMap<>();
            for (String table : sink.sourceTables()) {
                List<DatasetIdentity> ids = identities(at, insert, table);
                if (ids == null) {
                    continue;
                }
                Map<String, Set<Carried>> byColumn = new LinkedHashMap<>();
                for (DatasetIdentity id : ids) {
                    sourceClasses(at, table, id, sink, readColumns.getOrDefault(table, Set.of()))
                            .forEach(
                                    (column, carried) ->
                                            byColumn.computeIfAbsent(
                                                            column, k -> new LinkedHashSet<>())
                                                    .addAll(carried));
                }
                sourceClasses.put(table, byColumn);
            }
            if (sinkIds == null) {
                return;
            }
            for (DatasetIdentity sinkId : sinkIds) {
                checkSinkDataset(at, sink, sinkId, sourceClasses);
            }
        }

        private void checkSinkDataset(
                SourceLocation at,
                SinkLineage sink,
                DatasetIdentity sinkId,
                Map<String, Map<String, Set<Carried>>> sourceClasses) {
            Optional<TableMapping.Resolved> target = resolver.sink(sinkId);
            String zone = target.map(TableMapping.Resolved::zone).orElse(null);
            String region = target.map(TableMapping.Resolved::region).orElse(null);
            datasets.put(
                    sink.sinkTable() + " (sink)",
                    sinkId
                            + target.map(t -> " [" + DatasetResolver.describe(t) + "]")
                                    .orElse(
                                            sinkId.persists()
                                                    ? " [unmapped]"
                                                    : " [discards rows]"));
            if (team.isPresent()
                    && zone != null
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
            if (!sinkId.persists()) {
                return; // blackhole: the rows are discarded, nothing lands anywhere
            }
            Map<String, Set<Carried>> out =
                    written.computeIfAbsent(sinkId, k -> new LinkedHashMap<>());
            Map<String, Set<String>> byColumn =
                    sinkClasses.computeIfAbsent(sink.sinkTable(), k -> new LinkedHashMap<>());
            for (int i = 0; i < sink.columns().size(); i++) {
                String column = sink.columns().get(i);
                Set<Carried> reaching = out.computeIfAbsent(column, k -> new LinkedHashSet<>());
                Set<String> classNames =
                        byColumn.computeIfAbsent(column, k -> new LinkedHashSet<>());
                for (ColumnPath path : sink.paths().get(i)) {
                    Set<Carried> carried =
                            sourceClasses
                                    .getOrDefault(path.source().table(), Map.of())
                                    .getOrDefault(path.source().column(), Set.of());
                    for (Carried c : carried) {
                        List<Step> steps = new ArrayList<>(c.masks());
                        steps.addAll(path.steps());
                        ColumnPath effective = new ColumnPath(path.source(), steps);
                        classes.add(c.className());
                        reaching.add(new Carried(c.className(), form(steps)));
                        classNames.add(c.className());
                        checkClass(
                                at,
                                sink,
                                sinkId,
                                column,
                                effective,
                                c.className(),
                                zone,
                                region,
                                findings,
                                rulesApplied);
                    }
                }
            }
        }
    }

    /**
     * The masks a value went through, as a dataset carries them: masking functions of the policy
     * applied to the value itself, from the last decrypt on, each once (a finite set, so the
     * dataset graph settles even around cycles).
     */
    private List<Step> form(List<Step> steps) {
        List<Step> out = new ArrayList<>();
        for (Step step : steps) {
            if (step.function().startsWith("decrypt")) {
                out.clear();
                continue;
            }
            if (step.operand() == 0
                    && step.systemFunction()
                    && maskingFunctionNames().contains(step.function())
                    && !out.contains(step)) {
                out.add(step);
            }
        }
        return out;
    }

    private Set<String> maskingFunctionNames() {
        Set<String> masking = new TreeSet<>();
        for (Rule rule : policy.rules()) {
            for (Treatment t : rule.zones().values()) {
                t.functions().forEach(f -> masking.add(f.name()));
            }
        }
        return masking;
    }

    /** Where a pipeline or catalog file declares a table, else {@code fallback}. */
    private static SourceLocation declarationOfTable(
            Pipeline pipeline, String table, SourceLocation fallback) {
        BoundStatement s = PipelinePlanner.declarationOf(pipeline, table);
        return s == null ? fallback : s.location();
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

    private void checkClass(
            SourceLocation at,
            SinkLineage sink,
            DatasetIdentity sinkId,
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
                            "The sink writes to "
                                    + sinkId
                                    + ", which no sinks: entry of the policy maps to a zone, so"
                                    + " no rule can allow "
                                    + cls
                                    + " in it.",
                            "Map the dataset in the policy's sinks:, e.g. - {"
                                    + sinkId.kind()
                                    + (sinkId.fields().isEmpty()
                                            ? ": {}"
                                            : ": {"
                                                    + sinkId.fields().entrySet().stream()
                                                            .filter(e -> !e.getKey().equals("port"))
                                                            .map(
                                                                    e ->
                                                                            e.getKey()
                                                                                    + ": '"
                                                                                    + e.getValue()
                                                                                    + "'")
                                                            .collect(Collectors.joining(", "))
                                                    + "}")
                                    + ", zone: <zone>, region: <region>}, or drop the column.",
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
