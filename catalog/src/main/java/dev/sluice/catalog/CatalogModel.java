package dev.sluice.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gate.AuditLog;
import dev.sluice.gate.ColumnPath;
import dev.sluice.gate.Finding;
import dev.sluice.gate.GateCheck;
import dev.sluice.gate.GateReport;
import dev.sluice.gate.PipelinePlanner;
import dev.sluice.gate.PlannedPipeline;
import dev.sluice.gate.PolicySources;
import dev.sluice.gate.SinkLineage;
import dev.sluice.gate.Step;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.Retention;
import dev.sluice.policy.model.SluiceFunctions;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the catalog page shows, computed from the SQL folder, the policy and the audit log: every
 * dataset with its zone, region, retention, owner teams and the classes of its columns; which
 * pipeline reads and writes which dataset; per sink column its source columns and the functions on
 * the way; the gate's decision on every pipeline now and its latest audited one; recent audit and
 * drift events. Static parts are planned once ({@link #build}); the audit log is read on each
 * {@link #toJson}, so a served page sees new events.
 */
public final class CatalogModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How many audit records (newest first) the page lists. */
    static final int RECENT_AUDIT = 200;

    /** Offline stand-ins for the catalog variables, as {@code sluice validate} uses them. */
    static final Map<String, String> OFFLINE_STAND_INS =
            Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9", "ICEBERG_CATALOG_TYPE", "hadoop");

    private static final Pattern DATASET = Pattern.compile("dataset ([^,;\\]]+)");
    private static final Pattern ZONE = Pattern.compile("zone ([^,;\\]]+)");
    private static final Pattern REGION = Pattern.compile("region ([^,;\\]]+)");

    /**
     * Where the model comes from. {@code warehouse} may be null (no live figures); {@code
     * variables} are the pipelines' variables (over the offline stand-ins and the environment).
     */
    public record Sources(
            Path catalogFolder,
            Path pipelinesFolder,
            List<String> policySpecs,
            Path auditLog,
            Path warehouse,
            Variables variables) {
        public Sources {
            policySpecs = List.copyOf(policySpecs);
        }

        /** The layout of a repository: {@code sql/catalog}, {@code sql/pipelines}, sql/policy. */
        public static Sources of(Path sqlRoot, Path auditLog, Path warehouse, Variables variables) {
            return new Sources(
                    sqlRoot.resolve("catalog"),
                    sqlRoot.resolve("pipelines"),
                    List.of(sqlRoot.resolve("policy").toString()),
                    auditLog,
                    warehouse,
                    variables);
        }
    }

    private final Sources sources;
    private final ObjectNode fixed;
    private final Map<String, ObjectNode> datasetNodes;

    private CatalogModel(Sources sources, ObjectNode fixed, Map<String, ObjectNode> datasetNodes) {
        this.sources = sources;
        this.fixed = fixed;
        this.datasetNodes = datasetNodes;
    }

    /** Plans every pipeline of the folder as one dataset graph and gathers what the page shows. */
    public static CatalogModel build(Sources sources) {
        Policy policy = PolicySources.load(sources.policySpecs());
        Path warehouse;
        try {
            warehouse = Files.createTempDirectory("sluice-catalog-warehouse");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Variables.Builder standIns = Variables.builder();
        OFFLINE_STAND_INS.forEach((k, v) -> standIns.put(k, v, false, "catalog (offline)"));
        standIns.put("ICEBERG_WAREHOUSE", warehouse.toUri().toString(), false, "catalog (offline)");
        Variables variables = Variables.builder().environment(System.getenv(), Set.of()).build();
        variables = standIns.build().with(variables);
        if (sources.variables() != null) {
            variables = variables.with(sources.variables());
        }

        List<SourceText> catalog = new ArrayList<>();
        for (Path file : sqlFiles(sources.catalogFolder())) {
            catalog.add(SqlFiles.read(file));
        }
        List<Pipeline> pipelines = new ArrayList<>();
        for (Path file : sqlFiles(sources.pipelinesFolder())) {
            pipelines.add(PipelineLoader.load(catalog, SqlFiles.read(file), variables));
        }
        GateCheck gate = new GateCheck(policy, PipelinePlanner.create(), null);
        List<GateCheck.Decision> decisions = gate.decideAll(pipelines, "catalog");
        CatalogModel model = assemble(sources, policy, decisions);
        // files by the path the folder was given with, not the machine's absolute one
        Path root = sources.pipelinesFolder().toAbsolutePath().normalize().getParent();
        if (root != null && root.getParent() != null) {
            String prefix = root.getParent().toString() + java.io.File.separator;
            relativize(model.fixed, prefix);
        }
        return model;
    }

    private static void relativize(JsonNode node, String prefix) {
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode v = o.get(name);
                if (v.isTextual()) {
                    o.put(name, v.asText().replace(prefix, ""));
                } else {
                    relativize(v, prefix);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isTextual()) {
                    a.set(i, a.get(i).asText().replace(prefix, ""));
                } else {
                    relativize(a.get(i), prefix);
                }
            }
        }
    }

    private static List<Path> sqlFiles(Path folder) {
        if (folder == null || !Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One end of a lineage edge into a sink column. */
    private record Edge(String sourceColumn, List<String> functions) {}

    private static CatalogModel assemble(
            Sources sources, Policy policy, List<GateCheck.Decision> decisions) {
        // the functions of the sluice module (masks, pseudonyms) are the forms a class takes on
        Set<String> masks = new TreeSet<>(SluiceFunctions.all().keySet());
        Map<String, ObjectNode> datasets = new TreeMap<>();
        Map<String, Set<String>> columns = new LinkedHashMap<>();
        Map<String, Set<String>> owners = new LinkedHashMap<>();
        // "dataset.column" -> edges into it
        Map<String, List<Edge>> into = new LinkedHashMap<>();
        Map<String, String> writtenBy = new LinkedHashMap<>();
        ArrayNode pipelines = JSON.createArrayNode();
        for (GateCheck.Decision decision : decisions) {
            GateReport report = decision.report();
            PlannedPipeline planned = decision.planned();
            Map<String, String> tableToDataset = new LinkedHashMap<>();
            Set<String> reads = new LinkedHashSet<>();
            Set<String> writes = new LinkedHashSet<>();
            report.datasets()
                    .forEach(
                            (key, described) -> {
                                boolean sink = key.endsWith(" (sink)");
                                String table = key.substring(0, key.lastIndexOf(" ("));
                                ObjectNode d = dataset(datasets, described);
                                String id = d.get("id").asText();
                                tableToDataset.put(table, id);
                                addText(d.withArray("tables"), table);
                                addText(d.withArray("roles"), sink ? "sink" : "source");
                                (sink ? writes : reads).add(id);
                            });
            for (PlannedPipeline.PlannedInsert insert : planned.inserts()) {
                for (SinkLineage sink : insert.sinks()) {
                    String sinkId = tableToDataset.get(sink.sinkTable());
                    if (sinkId == null) {
                        continue;
                    }
                    for (int i = 0; i < sink.columns().size(); i++) {
                        String column = sink.columns().get(i);
                        columns.computeIfAbsent(sinkId, k -> new LinkedHashSet<>()).add(column);
                        String key = sinkId + "." + column;
                        writtenBy.put(key, report.pipeline());
                        for (ColumnPath path : sink.paths().get(i)) {
                            String sourceId = tableToDataset.get(path.source().table());
                            if (sourceId == null) {
                                continue;
                            }
                            columns.computeIfAbsent(sourceId, k -> new LinkedHashSet<>())
                                    .add(path.source().column());
                            List<String> functions =
                                    path.steps().stream().map(CatalogModel::call).toList();
                            into.computeIfAbsent(key, k -> new ArrayList<>())
                                    .add(
                                            new Edge(
                                                    sourceId + "." + path.source().column(),
                                                    functions));
                        }
                    }
                }
            }
            // columns the catalog declares for a table, even those no pipeline reads
            tableToDataset.forEach(
                    (table, id) -> {
                        PlannedPipeline.CatalogTableInfo info = planned.catalogTables().get(table);
                        if (info != null) {
                            columns.computeIfAbsent(id, k -> new LinkedHashSet<>())
                                    .addAll(info.columns());
                        }
                    });
            for (String id : writes) {
                owners.computeIfAbsent(id, k -> new TreeSet<>()).add(report.owner());
            }
            ObjectNode p = pipelines.addObject();
            p.put("name", report.pipeline());
            p.put("file", report.file());
            p.put("owner", report.owner());
            String description = planned.pipeline().metadata().description();
            p.put("description", description);
            p.put("decision", report.decision());
            ArrayNode findings = p.putArray("findings");
            for (Finding f : report.findings()) {
                findings.add(f.describe());
            }
            reads.forEach(p.withArray("reads")::add);
            writes.forEach(p.withArray("writes")::add);
        }
        // the classes of each column and the form they arrive in, followed to a fixpoint
        Map<String, Set<String>> classes = new TreeMap<>();
        datasets.forEach(
                (id, d) -> {
                    for (String column : columns.getOrDefault(id, Set.of())) {
                        for (String cls : policy.classesOf(id + "." + column)) {
                            classes.computeIfAbsent(id + "." + column, k -> new TreeSet<>())
                                    .add(cls + " raw");
                        }
                    }
                });
        boolean changed = true;
        for (int round = 0; changed && round < 100; round++) {
            changed = false;
            for (Map.Entry<String, List<Edge>> e : into.entrySet()) {
                for (Edge edge : e.getValue()) {
                    List<String> applied =
                            edge.functions().stream()
                                    .filter(f -> masks.contains(f.replaceAll("\\(.*", "")))
                                    .toList();
                    for (String carried : classes.getOrDefault(edge.sourceColumn(), Set.of())) {
                        String form = carried;
                        if (!applied.isEmpty()) {
                            String base =
                                    carried.endsWith(" raw")
                                            ? carried.substring(0, carried.length() - 4)
                                            : carried;
                            form =
                                    base
                                            + (base.contains(" via ") ? " -> " : " via ")
                                            + String.join(" -> ", applied);
                        }
                        if (classes.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(form)) {
                            changed = true;
                        }
                    }
                }
            }
        }
        ArrayNode lineage = JSON.createArrayNode();
        into.forEach(
                (column, edges) -> {
                    ObjectNode l = lineage.addObject();
                    l.put("column", column);
                    l.put("pipeline", writtenBy.get(column));
                    ArrayNode from = l.putArray("sources");
                    for (Edge edge : edges) {
                        ObjectNode s = from.addObject();
                        s.put("column", edge.sourceColumn());
                        edge.functions().forEach(s.withArray("functions")::add);
                        classes.getOrDefault(edge.sourceColumn(), Set.of())
                                .forEach(s.withArray("classes")::add);
                    }
                });
        datasets.forEach(
                (id, d) -> {
                    ArrayNode cols = d.putArray("columns");
                    for (String column : columns.getOrDefault(id, Set.of())) {
                        ObjectNode c = cols.addObject();
                        c.put("name", column);
                        c.put("id", id + "." + column);
                        classes.getOrDefault(id + "." + column, Set.of())
                                .forEach(c.withArray("classes")::add);
                        policy.classesOf(id + "." + column).forEach(c.withArray("declared")::add);
                    }
                    Set<String> teams = owners.get(id);
                    if (teams == null) {
                        // a dataset no pipeline writes belongs to the team named by its domain
                        String domain = id.contains(".") ? id.substring(0, id.indexOf('.')) : id;
                        teams = policy.teams().containsKey(domain) ? Set.of(domain) : Set.of();
                    }
                    teams.forEach(d.withArray("owners")::add);
                    List<String> retention = new ArrayList<>();
                    for (Retention r : policy.retention().values()) {
                        if (r.covers(id)) {
                            retention.add(describe(r));
                        }
                    }
                    d.put("retention", retention.isEmpty() ? null : String.join("; ", retention));
                });
        ObjectNode fixed = JSON.createObjectNode();
        fixed.put("generatedAt", Instant.now().toString());
        policy.files().forEach(fixed.withArray("policyFiles")::add);
        ArrayNode ds = fixed.putArray("datasets");
        datasets.values().forEach(ds::add);
        fixed.set("pipelines", pipelines);
        fixed.set("lineage", lineage);
        return new CatalogModel(sources, fixed, datasets);
    }

    private static void addText(ArrayNode array, String value) {
        for (JsonNode n : array) {
            if (n.asText().equals(value)) {
                return;
            }
        }
        array.add(value);
    }

    /**
     * The dataset node of a table as the gate described it: {@code identity [dataset d, zone z,
     * region r]}; a place the policy names no dataset for goes by its identity.
     */
    private static ObjectNode dataset(Map<String, ObjectNode> datasets, String described) {
        int bracket = described.lastIndexOf(" [");
        String identity = bracket < 0 ? described : described.substring(0, bracket);
        String mapping = bracket < 0 ? "" : described.substring(bracket);
        String name = group(DATASET, mapping);
        String id = name != null ? name : identity;
        ObjectNode d = datasets.get(id);
        if (d == null) {
            d = JSON.createObjectNode();
            d.put("id", id);
            d.put("identity", identity);
            d.put(
                    "kind",
                    identity.contains("{")
                            ? identity.substring(0, identity.indexOf('{'))
                            : identity);
            d.put("zone", group(ZONE, mapping));
            d.put("region", group(REGION, mapping));
            d.put("mapped", name != null);
            d.putArray("tables");
            d.putArray("roles");
            datasets.put(id, d);
        } else {
            if (d.path("zone").isNull() && group(ZONE, mapping) != null) {
                d.put("zone", group(ZONE, mapping));
            }
            if (d.path("region").isNull() && group(REGION, mapping) != null) {
                d.put("region", group(REGION, mapping));
            }
        }
        return d;
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1).trim() : null;
    }

    private static String call(Step step) {
        if (step.literalArguments().isEmpty()) {
            return step.function();
        }
        return step.function()
                + "("
                + String.join(
                        ", ",
                        step.literalArguments().stream().map(a -> a == null ? "?" : a).toList())
                + ")";
    }

    private static String describe(Retention r) {
        List<String> parts = new ArrayList<>();
        r.keepRows()
                .ifPresent(
                        keep ->
                                parts.add(
                                        "keep "
                                                + keep.toDays()
                                                + "d"
                                                + (r.timeColumn() != null
                                                        ? " by " + r.timeColumn()
                                                        : "")));
        r.snapshotHistory()
                .ifPresent(
                        s ->
                                parts.add(
                                        "snapshots"
                                                + (s.keepLast() != null
                                                        ? " keep_last " + s.keepLast()
                                                        : "")
                                                + (s.maxAge() != null
                                                        ? " max_age " + s.maxAge()
                                                        : "")));
        return r.dataset() + ": " + String.join(", ", parts);
    }

    /**
     * The whole model as the page's JSON: the planned parts, live Iceberg figures when a warehouse
     * is given, and the audit log's recent records and drift events as they stand now.
     */
    public ObjectNode toJson() {
        ObjectNode out = fixed.deepCopy();
        if (sources.warehouse() != null) {
            IcebergFigures.add(sources.warehouse(), out.withArray("datasets"));
        }
        List<JsonNode> records =
                sources.auditLog() == null
                        ? List.of()
                        : new AuditLog(sources.auditLog(), null).read();
        ArrayNode audit = out.putArray("audit");
        ArrayNode drift = out.putArray("drift");
        ObjectNode latest = JSON.createObjectNode();
        List<JsonNode> newestFirst = new ArrayList<>(records);
        Collections.reverse(newestFirst);
        for (JsonNode record : newestFirst) {
            String kind = AuditLog.kind(record);
            if (audit.size() < RECENT_AUDIT) {
                ObjectNode r = ((ObjectNode) record).deepCopy();
                r.put("kind", kind);
                audit.add(r);
            }
            if (kind.equals("drift")) {
                drift.add(record);
            }
            if (kind.equals("gate") && record.hasNonNull("pipeline")) {
                String pipeline = record.get("pipeline").asText();
                if (!latest.has(pipeline)) {
                    ObjectNode l = latest.putObject(pipeline);
                    l.put("decision", record.path("decision").asText());
                    l.put("time", record.path("time").asText());
                    l.put("context", record.path("context").asText());
                }
            }
        }
        for (JsonNode p : out.withArray("pipelines")) {
            JsonNode audited = latest.get(p.get("name").asText());
            if (audited != null) {
                ((ObjectNode) p).set("audited", audited);
            }
        }
        return out;
    }

    /** The dataset ids of the model, in name order. */
    public Set<String> datasetIds() {
        return Collections.unmodifiableSet(datasetNodes.keySet());
    }

    public String toJsonString() {
        try {
            return JSON.writeValueAsString(toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
