package dev.sluice.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Column-level lineage of an optimized Flink plan, read from its compiled JSON form ({@code
 * TableEnvironment.compilePlanSql} / {@code StatementSet.compilePlan}): for each sink column, every
 * source column it derives from and the functions on each path.
 *
 * <p>The JSON exec-node graph is Flink's public, versioned plan format, so the gate needs no
 * planner internals (which {@code flink-table-planner-loader} hides). Data flows through
 * projections, function operands, aggregate arguments, unions, joins and table functions; filter
 * conditions, join keys and {@code CASE} conditions decide which rows flow, not what values, and
 * are not data paths. A node type this class does not know makes it fail with {@link
 * LineageException} rather than guess.
 */
public final class ColumnLineage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INTERNAL_NAME = Pattern.compile("^\\$(.*)\\$\\d+$");
    private static final Pattern NODE_TYPE = Pattern.compile("^stream-exec-(.*)_\\d+$");

    /** Node types whose output row is their (first) input row, field by field. */
    private static final Set<String> PASS_THROUGH =
            Set.of(
                    "exchange",
                    "drop-update-before",
                    "changelog-normalize",
                    "watermark-assigner",
                    "mini-batch-assigner",
                    "limit",
                    "sort",
                    "sort-limit",
                    "temporal-sort",
                    "deduplicate",
                    "upsert-materialize",
                    "rank",
                    "window-rank",
                    "window-deduplicate");

    private final Map<Integer, JsonNode> nodes = new LinkedHashMap<>();
    private final Map<Integer, List<Integer>> inputs = new HashMap<>();
    private final Map<Integer, List<Set<ColumnPath>>> memo = new HashMap<>();
    private final Map<Integer, Set<String>> tablesMemo = new HashMap<>();
    private final Map<String, TableRef> refs = new LinkedHashMap<>();
    private static final Pattern OPTIONS_HINT = Pattern.compile("OPTIONS options:\\{(.*?)}\\]");
    private static final Pattern HINT_ENTRY = Pattern.compile(", (?=[A-Za-z0-9_.\\-]+=)");

    private ColumnLineage(JsonNode plan) {
        for (JsonNode node : plan.path("nodes")) {
            nodes.put(node.path("id").asInt(), node);
        }
        for (JsonNode edge : plan.path("edges")) {
            inputs.computeIfAbsent(edge.path("target").asInt(), k -> new ArrayList<>())
                    .add(edge.path("source").asInt());
        }
    }

    /**
     * Columns of tables the compiled plan names without their schema (Flink leaves temporary
     * tables' schemas out of it): every column and the persisted ones (physical and non-virtual
     * metadata), in table order; null when the table is unknown.
     */
    public interface Schemas {
        List<String> columns(String identifier);

        List<String> persistedColumns(String identifier);
    }

    private Schemas schemas = NO_SCHEMAS;

    private static final Schemas NO_SCHEMAS =
            new Schemas() {
                @Override
                public List<String> columns(String identifier) {
                    return null;
                }

                @Override
                public List<String> persistedColumns(String identifier) {
                    return null;
                }
            };

    /** The lineage of every sink of a compiled plan, in plan order. */
    public static List<SinkLineage> of(String compiledPlanJson) {
        return of(compiledPlanJson, NO_SCHEMAS);
    }

    /** Like {@link #of(String)}, asking {@code schemas} for tables the plan has no schema of. */
    public static List<SinkLineage> of(String compiledPlanJson, Schemas schemas) {
        JsonNode plan;
        try {
            plan = JSON.readTree(compiledPlanJson);
        } catch (JsonProcessingException e) {
            throw new LineageException("The compiled plan is not JSON: " + e.getOriginalMessage());
        }
        ColumnLineage lineage = new ColumnLineage(plan);
        lineage.schemas = schemas;
        List<SinkLineage> sinks = new ArrayList<>();
        for (JsonNode node : lineage.nodes.values()) {
            if (kind(node).equals("sink")) {
                sinks.add(lineage.sink(node));
            }
        }
        return sinks;
    }

    private SinkLineage sink(JsonNode node) {
        JsonNode table = node.path("dynamicTableSink").path("table");
        String identifier = ref(node, table);
        List<String> columns = new ArrayList<>();
        if (table.path("resolvedTable").isMissingNode()) {
            List<String> persisted =
                    schemas.persistedColumns(unquote(table.path("identifier").asText()));
            if (persisted == null) {
                throw new LineageException(
                        "sink " + identifier,
                        "The plan names the sink table without its schema and the catalog does"
                                + " not know it.");
            }
            columns.addAll(persisted);
        }
        for (JsonNode column : table.path("resolvedTable").path("schema").path("columns")) {
            String columnKind = column.path("kind").asText("PHYSICAL");
            boolean persisted =
                    columnKind.equals("PHYSICAL")
                            || (columnKind.equals("METADATA")
                                    && !column.path("isVirtual").asBoolean(false));
            if (persisted) {
                columns.add(column.path("name").asText());
            }
        }
        int input = single(node);
        List<Set<ColumnPath>> fields = fields(input);
        List<Set<ColumnPath>> perColumn = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            perColumn.add(i < fields.size() ? fields.get(i) : Set.of());
        }
        Map<String, String> options = new LinkedHashMap<>();
        table.path("resolvedTable")
                .path("options")
                .fields()
                .forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        Set<String> read = tables(input);
        Map<String, TableRef> used = new LinkedHashMap<>();
        used.put(identifier, refs.get(identifier));
        read.forEach(t -> used.put(t, refs.get(t)));
        return new SinkLineage(identifier, options, columns, perColumn, read, used);
    }

    /**
     * The lineage key of the table of a scan, lookup or sink node: its identifier, plus the {@code
     * OPTIONS} hint Flink records on the node (its description is the only place the compiled plan
     * keeps hints).
     */
    private String ref(JsonNode node, JsonNode table) {
        TableRef ref =
                new TableRef(
                        unquote(table.path("identifier").asText()),
                        hints(node.path("description").asText("")));
        refs.putIfAbsent(ref.key(), ref);
        return ref.key();
    }

    /** The {@code OPTIONS} hint of a node's description, as Flink renders it ({k=v, k2=v2}). */
    static Map<String, String> hints(String description) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = OPTIONS_HINT.matcher(description);
        while (m.find()) {
            for (String entry : HINT_ENTRY.split(m.group(1))) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    out.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
        }
        return out;
    }

    /** Every table read below a node. */
    private Set<String> tables(int id) {
        Set<String> cached = tablesMemo.get(id);
        if (cached != null) {
            return cached;
        }
        Set<String> out = new TreeSet<>();
        JsonNode node = nodes.get(id);
        String scanned = scannedTable(node);
        if (scanned != null) {
            out.add(scanned);
        }
        for (int input : inputs.getOrDefault(id, List.of())) {
            out.addAll(tables(input));
        }
        tablesMemo.put(id, out);
        return out;
    }

    private String scannedTable(JsonNode node) {
        String k = kind(node);
        if (k.equals("table-source-scan")) {
            return ref(node, node.path("scanTableSource").path("table"));
        }
        if (k.equals("lookup-join")) {
            JsonNode t = node.path("temporalTable").path("lookupTableSource").path("table");
            return t.isMissingNode() ? null : ref(node, t);
        }
        return null;
    }

    /** The lineage of each output field of a node. */
    private List<Set<ColumnPath>> fields(int id) {
        List<Set<ColumnPath>> cached = memo.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode node = nodes.get(id);
        if (node == null) {
            throw new LineageException("The plan refers to node " + id + ", which it lacks.");
        }
        List<Set<ColumnPath>> out = compute(id, node);
        memo.put(id, out);
        return out;
    }

    private List<Set<ColumnPath>> compute(int id, JsonNode node) {
        String k = kind(node);
        if (PASS_THROUGH.contains(k)) {
            List<Set<ColumnPath>> in = fields(single(node));
            int width = outputNames(node).size();
            List<Set<ColumnPath>> out = new ArrayList<>(in);
            // rank/row_number columns come from ordering, not values of a column
            while (width > 0 && out.size() < width) {
                out.add(Set.of());
            }
            return width > 0 && out.size() > width ? out.subList(0, width) : out;
        }
        switch (k) {
            case "table-source-scan":
                return scan(node);
            case "values":
                return empty(outputNames(node).size());
            case "calc":
                {
                    Scope scope =
                            new Scope(fields(single(node)), outputNames(nodeOf(single(node))));
                    List<Set<ColumnPath>> out = new ArrayList<>();
                    for (JsonNode expr : node.path("projection")) {
                        out.add(expression(expr, scope));
                    }
                    return out;
                }
            case "union":
                {
                    List<Set<ColumnPath>> out = null;
                    for (int input : inputs.getOrDefault(id, List.of())) {
                        List<Set<ColumnPath>> in = fields(input);
                        if (out == null) {
                            out = new ArrayList<>();
                            for (Set<ColumnPath> f : in) {
                                out.add(new LinkedHashSet<>(f));
                            }
                        } else {
                            for (int i = 0; i < Math.min(out.size(), in.size()); i++) {
                                out.get(i).addAll(in.get(i));
                            }
                        }
                    }
                    return out == null ? List.of() : out;
                }
            case "join", "interval-join", "temporal-join", "window-join":
                {
                    List<Integer> in = inputs.getOrDefault(id, List.of());
                    if (in.size() != 2) {
                        throw new LineageException("A join node " + id + " without two inputs.");
                    }
                    String joinType =
                            node.path("joinSpec")
                                    .path("joinType")
                                    .asText(node.path("joinType").asText("INNER"));
                    List<Set<ColumnPath>> out = new ArrayList<>(fields(in.get(0)));
                    if (!joinType.equals("SEMI") && !joinType.equals("ANTI")) {
                        out.addAll(fields(in.get(1)));
                    }
                    return out;
                }
            case "group-aggregate", "window-aggregate", "group-window-aggregate":
                return aggregate(node, fields(single(node)));
            case "global-group-aggregate", "global-window-aggregate":
                {
                    // two-phase: the global node's grouping and calls index the local node's input
                    JsonNode below = nodeOf(single(node));
                    while (kind(below).equals("exchange")) {
                        below = nodeOf(single(below));
                    }
                    if (!kind(below).startsWith("local-")) {
                        throw new LineageException(
                                "A global aggregate without its local phase below it ("
                                        + below.path("type").asText()
                                        + "); the gate rejects what it cannot prove.");
                    }
                    return aggregate(node, fields(single(below)));
                }
            case "over-aggregate":
                {
                    List<Set<ColumnPath>> in = fields(single(node));
                    List<Set<ColumnPath>> out = new ArrayList<>(in);
                    for (JsonNode group : node.path("overSpec").path("groups")) {
                        for (JsonNode call : group.path("aggCalls")) {
                            out.add(aggregateCall(call, in));
                        }
                    }
                    return out;
                }
            case "correlate":
                return correlate(node);
            case "lookup-join":
                return lookupJoin(node);
            default:
                throw new LineageException(
                        "plan node " + node.path("description").asText(node.path("type").asText()),
                        "The gate cannot derive column lineage through plan node '"
                                + node.path("type").asText()
                                + "' ("
                                + node.path("description").asText()
                                + "); it rejects what it cannot prove. Rewrite the query without"
                                + " it or ask the platform team to teach the gate this node.");
        }
    }

    private List<Set<ColumnPath>> scan(JsonNode node) {
        JsonNode table = node.path("scanTableSource").path("table");
        String identifier = ref(node, table);
        Map<String, String> byName = new LinkedHashMap<>();
        for (JsonNode column : table.path("resolvedTable").path("schema").path("columns")) {
            byName.put(column.path("name").asText(), column.path("name").asText());
        }
        if (table.path("resolvedTable").isMissingNode()) {
            List<String> known = schemas.columns(unquote(table.path("identifier").asText()));
            if (known == null) {
                throw new LineageException(
                        "scan of " + identifier,
                        "The plan names the table without its schema and the catalog does not"
                                + " know it.");
            }
            known.forEach(c -> byName.put(c, c));
        }
        List<Set<ColumnPath>> out = new ArrayList<>();
        for (String name : outputNames(node)) {
            Set<ColumnPath> f = new LinkedHashSet<>();
            if (byName.containsKey(name)) {
                f.add(new ColumnPath(new SourceColumn(identifier, name), List.of()));
            } else {
                // a nested projection or renamed field: assume it may carry any column
                for (String column : byName.keySet()) {
                    f.add(
                            new ColumnPath(
                                    new SourceColumn(identifier, column),
                                    List.of(new Step("project", 0, null, true))));
                }
            }
            out.add(f);
        }
        return out;
    }

    private List<Set<ColumnPath>> lookupJoin(JsonNode node) {
        List<Set<ColumnPath>> out = new ArrayList<>(fields(single(node)));
        String joinType = node.path("joinType").asText("INNER");
        if (joinType.equals("SEMI") || joinType.equals("ANTI")) {
            return out;
        }
        JsonNode temporal = node.path("temporalTable");
        JsonNode table = temporal.path("lookupTableSource").path("table");
        if (table.isMissingNode()) {
            throw new LineageException(
                    "A lookup join on a table the gate cannot identify; it rejects what it cannot"
                            + " prove.");
        }
        String identifier = ref(node, table);
        List<String> names = outputNames(temporal);
        List<Set<ColumnPath>> looked = new ArrayList<>();
        for (String name : names) {
            looked.add(Set.of(new ColumnPath(new SourceColumn(identifier, name), List.of())));
        }
        JsonNode projection = node.path("projectionOnTemporalTable");
        if (projection.isArray()) {
            Scope scope = new Scope(looked, names);
            List<Set<ColumnPath>> projected = new ArrayList<>();
            for (JsonNode expr : projection) {
                projected.add(expression(expr, scope));
            }
            looked = projected;
        }
        out.addAll(looked);
        return out;
    }

    private List<Set<ColumnPath>> aggregate(JsonNode node, List<Set<ColumnPath>> in) {
        List<Set<ColumnPath>> out = new ArrayList<>();
        for (JsonNode g : node.path("grouping")) {
            out.add(in.get(g.asInt()));
        }
        for (JsonNode call : node.path("aggCalls")) {
            out.add(aggregateCall(call, in));
        }
        int width = outputNames(node).size();
        while (out.size() < width) {
            out.add(Set.of()); // window start/end/rowtime: derived from the time attribute
        }
        return out;
    }

    private static Set<ColumnPath> aggregateCall(JsonNode call, List<Set<ColumnPath>> in) {
        FunctionName fn = functionName(call);
        if (fn.name().equals("count") || fn.name().equals("count1")) {
            return Set.of(); // a count reveals how many rows, not any value
        }
        Set<ColumnPath> out = new LinkedHashSet<>();
        int operand = 0;
        for (JsonNode arg : call.path("argList")) {
            for (ColumnPath p : in.get(arg.asInt())) {
                out.add(p.then(new Step(fn.name(), operand, null, fn.system())));
            }
            operand++;
        }
        return out;
    }

    private List<Set<ColumnPath>> correlate(JsonNode node) {
        int input = single(node);
        List<Set<ColumnPath>> in = fields(input);
        Scope scope = new Scope(in, outputNames(nodeOf(input)));
        Set<ColumnPath> produced = expression(node.path("functionCall"), scope);
        List<Set<ColumnPath>> out = new ArrayList<>(in);
        int width = outputNames(node).size();
        while (out.size() < width) {
            out.add(produced);
        }
        return out;
    }

    /** The input of an expression: the fields of the node below and their names. */
    private record Scope(List<Set<ColumnPath>> fields, List<String> names) {}

    private static Set<ColumnPath> expression(JsonNode expr, Scope scope) {
        switch (expr.path("kind").asText()) {
            case "INPUT_REF":
                {
                    int index = expr.path("inputIndex").asInt();
                    if (index >= scope.fields().size()) {
                        throw new LineageException(
                                "Input reference $" + index + " beyond the input row.");
                    }
                    return scope.fields().get(index);
                }
            case "LITERAL":
                return Set.of();
            case "FIELD_ACCESS":
                {
                    JsonNode inner = expr.path("expr");
                    String name = expr.path("name").asText();
                    if (inner.path("kind").asText().equals("CORREL_VARIABLE")) {
                        int index = scope.names().indexOf(name);
                        if (index >= 0) {
                            return scope.fields().get(index);
                        }
                        return all(scope);
                    }
                    Set<ColumnPath> out = new LinkedHashSet<>();
                    for (ColumnPath p : expression(inner, scope)) {
                        out.add(p.then(new Step("field_access", 0, List.of(name), true)));
                    }
                    return out;
                }
            case "CORREL_VARIABLE":
                return all(scope);
            case "CALL":
                return call(expr, scope);
            default:
                throw new LineageException(
                        "expression of kind " + expr.path("kind").asText(),
                        "The gate cannot derive lineage through an expression of kind '"
                                + expr.path("kind").asText()
                                + "'; it rejects what it cannot prove.");
        }
    }

    private static Set<ColumnPath> call(JsonNode expr, Scope scope) {
        FunctionName fn = functionName(expr);
        JsonNode operands = expr.path("operands");
        List<String> literals = new ArrayList<>();
        for (int i = 1; i < operands.size(); i++) {
            JsonNode o = operands.get(i);
            literals.add(o.path("kind").asText().equals("LITERAL") ? literalText(o) : null);
        }
        boolean isCase = fn.name().equals("case");
        Set<ColumnPath> out = new LinkedHashSet<>();
        for (int i = 0; i < operands.size(); i++) {
            if (isCase && i % 2 == 0 && i < operands.size() - 1) {
                continue; // a WHEN condition picks the branch; its value does not flow
            }
            Step step = new Step(fn.name(), i, literals, fn.system());
            for (ColumnPath p : expression(operands.get(i), scope)) {
                out.add(p.then(step));
            }
        }
        return out;
    }

    private static String literalText(JsonNode literal) {
        JsonNode v = literal.path("value");
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    private static Set<ColumnPath> all(Scope scope) {
        Set<ColumnPath> out = new LinkedHashSet<>();
        scope.fields().forEach(out::addAll);
        return out;
    }

    /** A function's name as the policy names it, and whether it is a system/module function. */
    record FunctionName(String name, boolean system) {}

    static FunctionName functionName(JsonNode call) {
        if (call.hasNonNull("systemName")) {
            return new FunctionName(call.get("systemName").asText().toLowerCase(Locale.ROOT), true);
        }
        if (call.hasNonNull("catalogName")) {
            List<String> parts = identifierParts(call.get("catalogName").asText());
            return new FunctionName(parts.get(parts.size() - 1).toLowerCase(Locale.ROOT), false);
        }
        if (call.hasNonNull("internalName")) {
            Matcher m = INTERNAL_NAME.matcher(call.get("internalName").asText());
            String name = m.matches() ? m.group(1) : call.get("internalName").asText();
            return new FunctionName(name.toLowerCase(Locale.ROOT), true);
        }
        if (call.hasNonNull("class")) {
            return new FunctionName(call.get("class").asText(), false);
        }
        return new FunctionName(
                call.path("name").asText("unknown").toLowerCase(Locale.ROOT), false);
    }

    private JsonNode nodeOf(int id) {
        return nodes.get(id);
    }

    private int single(JsonNode node) {
        List<Integer> in = inputs.getOrDefault(node.path("id").asInt(), List.of());
        if (in.isEmpty()) {
            throw new LineageException(
                    "Plan node " + node.path("type").asText() + " has no input in the plan.");
        }
        return in.get(0);
    }

    private static List<Set<ColumnPath>> empty(int n) {
        List<Set<ColumnPath>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Set.of());
        }
        return out;
    }

    static String kind(JsonNode node) {
        Matcher m = NODE_TYPE.matcher(node.path("type").asText());
        return m.matches() ? m.group(1) : node.path("type").asText();
    }

    /** Field names of a node's output row type (string or object form). */
    static List<String> outputNames(JsonNode node) {
        JsonNode type = node.path("outputType");
        if (type.isObject()) {
            List<String> names = new ArrayList<>();
            for (JsonNode f : type.path("fields")) {
                names.add(f.path("name").asText());
            }
            return names;
        }
        return rowFieldNames(type.asText(""));
    }

    /** Top-level field names of {@code ROW<`a` T, `b` ROW<...>>}. */
    static List<String> rowFieldNames(String type) {
        List<String> names = new ArrayList<>();
        int start = type.indexOf('<');
        if (start < 0) {
            return names;
        }
        int depth = 0;
        boolean expectName = true;
        for (int i = start + 1; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c == '`') {
                StringBuilder name = new StringBuilder();
                int j = i + 1;
                while (j < type.length()) {
                    if (type.charAt(j) == '`') {
                        if (j + 1 < type.length() && type.charAt(j + 1) == '`') {
                            name.append('`');
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    name.append(type.charAt(j++));
                }
                if (depth == 0 && expectName) {
                    names.add(name.toString());
                    expectName = false;
                }
                i = j;
            } else if (c == '<' || c == '(') {
                depth++;
            } else if (c == '>' || c == ')') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                expectName = true;
            } else if (c == '\'') {
                int j = i + 1; // a field description: skip it
                while (j < type.length()
                        && !(type.charAt(j) == '\''
                                && (j + 1 >= type.length() || type.charAt(j + 1) != '\''))) {
                    j += type.charAt(j) == '\'' ? 2 : 1;
                }
                i = j;
            }
        }
        return names;
    }

    /** {@code `cat`.`db`.`t`} to {@code cat.db.t}. */
    static String unquote(String identifier) {
        return String.join(".", identifierParts(identifier));
    }

    static List<String> identifierParts(String identifier) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            if (c == '`') {
                if (quoted && i + 1 < identifier.length() && identifier.charAt(i + 1) == '`') {
                    current.append('`');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == '.' && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
