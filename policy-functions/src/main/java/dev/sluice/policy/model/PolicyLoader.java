package dev.sluice.policy.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads policy files (YAML, checked against {@code policy.schema.json}) and composes them into one
 * {@link Policy}. Every problem of every file is collected and reported with {@code file:line:col},
 * the JSON pointer of the field and how to fix it.
 *
 * <p>Composition (an org-wide file plus per-domain files, in any order):
 *
 * <ul>
 *   <li>classifications and erasure subjects: union (a column may carry several classes);
 *   <li>rules: all kept; every rule matching a class and naming a zone must hold, so a file can
 *       tighten but never loosen another; two rules with the same {@code id} are an error;
 *   <li>residency: every entry matching a class applies (the allowed regions intersect); the same
 *       class pattern in several files must list the same regions;
 *   <li>teams: a team declared in several files reads the union of its grants; its zones must
 *       agree;
 *   <li>sources, sinks and retention: the same table pattern or dataset declared twice with
 *       different values is an error.
 * </ul>
 */
public final class PolicyLoader {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonSchema SCHEMA = loadSchema();

    private PolicyLoader() {}

    /** A policy file's name (for messages) and text. */
    public record PolicyText(String name, String text) {}

    /** Loads and composes policy files from disk; folders contribute their *.yaml/*.yml files. */
    public static Policy load(List<Path> paths) {
        List<PolicyText> texts = new ArrayList<>();
        for (Path path : paths) {
            for (Path file : expand(path)) {
                try {
                    texts.add(
                            new PolicyText(
                                    file.toString(),
                                    Files.readString(file, StandardCharsets.UTF_8)));
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new PolicyException(
                            List.of(
                                    new PolicyProblem(
                                            new Origin(file.toString(), 1, 1),
                                            "",
                                            "Not valid UTF-8 text. Save the policy file as"
                                                    + " UTF-8.")));
                } catch (IOException e) {
                    throw new PolicyException(
                            List.of(
                                    new PolicyProblem(
                                            new Origin(file.toString(), 0, 0),
                                            "",
                                            "Cannot read the policy file ("
                                                    + e.getMessage()
                                                    + "). Check the path given with --policy.")));
                }
            }
        }
        return compose(texts);
    }

    /** The policy files of a path: the file itself, or a folder's YAML files in name order. */
    public static List<Path> expand(Path path) {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (var stream = Files.list(path)) {
            return stream.filter(
                            p -> {
                                String n = p.getFileName().toString();
                                return n.endsWith(".yaml") || n.endsWith(".yml");
                            })
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses, validates and composes policy texts: their shape (the schema), their composition, and
     * their meaning ({@link PolicyValidator}: every name they use is declared).
     */
    public static Policy compose(List<PolicyText> texts) {
        return compose(texts, true);
    }

    /**
     * Like {@link #compose} without the meaning checks, for one file of a policy whose other files
     * may declare the names it uses.
     */
    public static Policy composeShape(List<PolicyText> texts) {
        return compose(texts, false);
    }

    private static Policy compose(List<PolicyText> texts, boolean meaning) {
        List<PolicyProblem> problems = new ArrayList<>();
        Composer composer = new Composer(problems);
        List<ParsedFile> parsedFiles = new ArrayList<>();
        for (PolicyText text : texts) {
            ParsedFile parsed = parse(text, problems);
            if (parsed != null) {
                composer.add(parsed);
                parsedFiles.add(parsed);
            }
        }
        if (meaning && problems.isEmpty()) {
            // names are checked once every file's declarations are known
            problems.addAll(PolicyValidator.check(parsedFiles));
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return composer.build(texts.stream().map(PolicyText::name).toList());
    }

    /** A file's tree and where each JSON pointer in it starts. */
    record ParsedFile(String name, JsonNode root, Map<String, Origin> locations) {
        Origin at(String pointer) {
            String p = pointer;
            while (true) {
                Origin o = locations.get(p);
                if (o != null || p.isEmpty()) {
                    return o != null ? o : new Origin(name, 1, 1);
                }
                p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
            }
        }
    }

    static ParsedFile parse(PolicyText text, List<PolicyProblem> problems) {
        Map<String, Origin> locations = new HashMap<>();
        JsonNode root;
        int before = problems.size();
        try (JsonParser parser = YAML.createParser(text.text())) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                root = JsonNodeFactory.instance.objectNode();
            } else {
                root = read(parser, "", text.name(), locations, problems);
            }
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            problems.add(
                    new PolicyProblem(
                            new Origin(
                                    text.name(),
                                    l == null ? 1 : l.getLineNr(),
                                    l == null ? 1 : l.getColumnNr()),
                            "",
                            "Invalid YAML: "
                                    + e.getOriginalMessage()
                                    + ". Fix the syntax (indentation, quotes, colons)."));
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (problems.size() > before) {
            return null;
        }
        ParsedFile parsed = new ParsedFile(text.name(), root, locations);
        if (!root.isObject()) {
            problems.add(
                    new PolicyProblem(
                            parsed.at(""),
                            "",
                            "A policy file is a mapping with sections such as classifications:,"
                                    + " rules:, teams:. Found a "
                                    + root.getNodeType().toString().toLowerCase()
                                    + "."));
            return null;
        }
        Set<ValidationMessage> messages = SCHEMA.validate(root);
        for (ValidationMessage m : sorted(messages)) {
            String pointer = m.getInstanceLocation().toString();
            if (pointer.equals("/")) {
                pointer = "";
            }
            if (m.getProperty() != null && "additionalProperties".equals(m.getType())) {
                pointer = pointer + "/" + m.getProperty();
            }
            problems.add(new PolicyProblem(parsed.at(pointer), pointer, explain(m)));
        }
        return problems.size() > before ? null : parsed;
    }

    private static List<ValidationMessage> sorted(Set<ValidationMessage> messages) {
        // a oneOf failure also reports why each branch failed: the summary says it better
        Set<String> oneOfAt = new java.util.HashSet<>();
        for (ValidationMessage m : messages) {
            if ("oneOf".equals(m.getType())) {
                oneOfAt.add(m.getInstanceLocation().toString());
            }
        }
        List<ValidationMessage> list = new ArrayList<>();
        for (ValidationMessage m : messages) {
            if ("oneOf".equals(m.getType())
                    || !oneOfAt.contains(m.getInstanceLocation().toString())) {
                list.add(m);
            }
        }
        list.sort(Comparator.comparing(m -> m.getInstanceLocation().toString()));
        return list;
    }

    private static String explain(ValidationMessage m) {
        String error = m.getError() == null ? m.getMessage() : m.getError();
        String hint =
                switch (m.getType()) {
                    case "additionalProperties" ->
                            " Known fields are listed in README.md, section Policy files; check"
                                    + " the spelling and indentation.";
                    case "pattern" -> hintForPattern(m.getInstanceLocation().toString());
                    case "required" -> " Add the missing field.";
                    case "oneOf" ->
                            m.getInstanceLocation().toString().matches("/(sources|sinks)/.*")
                                    ? " Name the dataset by exactly one of table: (a catalog"
                                            + " table pattern), kafka: {cluster, topic}, jdbc:"
                                            + " {host, port, database, table}, iceberg: {catalog,"
                                            + " table} or filesystem: {path}."
                                    : " Use allow, deny, a masking function such as pseudonymize or"
                                            + " mask_show_last_n(4), or a list of masking functions.";
                    default -> "";
                };
        return "Invalid value: " + error + "." + hint;
    }

    private static String hintForPattern(String pointer) {
        if (pointer.startsWith("/classifications")) {
            return " Name columns dataset.table.column (e.g. payments.customers.email) and classes"
                    + " in upper case with dots (e.g. PII.EMAIL).";
        }
        if (pointer.startsWith("/regions") || pointer.startsWith("/rules")) {
            return " Classes and class patterns are upper case with dots, e.g. PII.EMAIL or PII.*;"
                    + " zones and functions are plain names such as analytics or pseudonymize.";
        }
        if (pointer.startsWith("/detection")) {
            return " Write phone regions as upper-case ISO 3166-1 alpha-2 codes, e.g. GB or DE.";
        }
        if (pointer.endsWith("/max_age")) {
            return " Write max_age as a count with a unit s, min, h, d or w, e.g. 7d.";
        }
        if (pointer.startsWith("/retention")) {
            return " Write keep as a count with a unit h, d or w, e.g. 400d.";
        }
        return " Names use letters, digits, _ and -; patterns may use *.";
    }

    /** Builds a tree from the parser positioned on a value, recording where each value starts. */
    private static JsonNode read(
            JsonParser p,
            String pointer,
            String file,
            Map<String, Origin> locations,
            List<PolicyProblem> problems)
            throws IOException {
        JsonLocation l = p.currentTokenLocation();
        locations.put(pointer, new Origin(file, l.getLineNr(), l.getColumnNr()));
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation kl = p.currentTokenLocation();
                    String child = pointer + "/" + escape(key);
                    p.nextToken();
                    if (o.has(key)) {
                        problems.add(
                                new PolicyProblem(
                                        new Origin(file, kl.getLineNr(), kl.getColumnNr()),
                                        child,
                                        "Duplicate key '"
                                                + key
                                                + "' (first at "
                                                + locations.get(child)
                                                + "). Merge the two entries into one."));
                        read(p, child + "#dup", file, new HashMap<>(), problems);
                        continue;
                    }
                    o.set(key, read(p, child, file, locations, problems));
                    locations.put(child, new Origin(file, kl.getLineNr(), kl.getColumnNr()));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(read(p, pointer + "/" + i++, file, locations, problems));
                }
                return a;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return f.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return f.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return f.booleanNode(p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return f.nullNode();
            }
            default ->
                    throw new IOException(
                            "Unexpected YAML token " + p.currentToken() + " at " + pointer);
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static JsonSchema loadSchema() {
        try (InputStream in = PolicyLoader.class.getResourceAsStream("policy.schema.json")) {
            SchemaValidatorsConfig config =
                    SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON Schema of policy files, for editors and docs. */
    public static String schemaText() {
        try (InputStream in = PolicyLoader.class.getResourceAsStream("policy.schema.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Accumulates files into one policy, applying the composition rules of the class doc. */
    private static final class Composer {
        private final List<PolicyProblem> problems;
        private final Map<String, Set<String>> classifications = new LinkedHashMap<>();
        private final Map<String, Origin> classificationOrigins = new HashMap<>();
        private final List<Rule> rules = new ArrayList<>();
        private final Map<String, Rule> rulesById = new HashMap<>();
        private final Map<String, Team> teams = new LinkedHashMap<>();
        private final Map<String, TableMapping> sources = new LinkedHashMap<>();
        private final Map<String, TableMapping> sinks = new LinkedHashMap<>();
        private final Map<String, Set<String>> regions = new LinkedHashMap<>();
        private final Map<String, Origin> regionOrigins = new HashMap<>();
        private final Map<String, Retention> retention = new LinkedHashMap<>();
        private final Map<String, Set<String>> subjects = new LinkedHashMap<>();
        private final DetectionSettings.Composer detection = new DetectionSettings.Composer();
        private final DriftSettings.Composer drift = new DriftSettings.Composer();
        private Policy.UnmappedSources unmappedSources;
        private Origin unmappedSourcesOrigin;
        private final Map<String, List<String>> kafkaClusters = new LinkedHashMap<>();
        private final Map<String, Origin> kafkaClusterOrigins = new HashMap<>();

        Composer(List<PolicyProblem> problems) {
            this.problems = problems;
        }

        void add(ParsedFile file) {
            JsonNode root = file.root();
            fields(root.path("classifications"))
                    .forEach(
                            (column, classes) -> {
                                Set<String> set =
                                        classifications.computeIfAbsent(
                                                column, k -> new TreeSet<>());
                                classes.forEach(c -> set.add(c.asText()));
                                classificationOrigins.putIfAbsent(
                                        column, file.at("/classifications/" + column));
                            });
            JsonNode ruleNodes = root.path("rules");
            for (int i = 0; i < ruleNodes.size(); i++) {
                addRule(file, ruleNodes.get(i), "/rules/" + i);
            }
            fields(root.path("teams")).forEach((name, t) -> addTeam(file, name, t));
            mappings(file, root.path("sources"), "/sources", sources);
            mappings(file, root.path("sinks"), "/sinks", sinks);
            fields(root.path("regions"))
                    .forEach(
                            (pattern, list) -> {
                                Set<String> set = new TreeSet<>();
                                list.forEach(r -> set.add(r.asText()));
                                Origin at = file.at("/regions/" + pattern);
                                Set<String> earlier = regions.putIfAbsent(pattern, set);
                                if (earlier != null && !earlier.equals(set)) {
                                    problems.add(
                                            new PolicyProblem(
                                                    at,
                                                    "/regions/" + pattern,
                                                    "Conflicting residency for "
                                                            + pattern
                                                            + ": "
                                                            + set
                                                            + " here, "
                                                            + earlier
                                                            + " at "
                                                            + regionOrigins.get(pattern)
                                                            + ". Declare it once, or use a more"
                                                            + " specific class pattern (all"
                                                            + " matching entries apply)."));
                                }
                                regionOrigins.putIfAbsent(pattern, at);
                            });
            fields(root.path("retention")).forEach((dataset, r) -> addRetention(file, dataset, r));
            detection.add(root.path("detection"), file::at, problems);
            drift.add(root.path("drift"), file::at, problems);
            if (root.hasNonNull("unmapped_sources")) {
                Policy.UnmappedSources u =
                        Policy.UnmappedSources.valueOf(
                                root.get("unmapped_sources").asText().toUpperCase());
                Origin at = file.at("/unmapped_sources");
                if (unmappedSources != null && unmappedSources != u) {
                    problems.add(
                            new PolicyProblem(
                                    at,
                                    "/unmapped_sources",
                                    "Conflicting unmapped_sources: "
                                            + u.name().toLowerCase()
                                            + " here, "
                                            + unmappedSources.name().toLowerCase()
                                            + " at "
                                            + unmappedSourcesOrigin
                                            + ". Declare it once, in the org-wide file."));
                } else if (unmappedSources == null) {
                    unmappedSources = u;
                    unmappedSourcesOrigin = at;
                }
            }
            fields(root.path("kafka_clusters"))
                    .forEach(
                            (alias, servers) -> {
                                List<String> list = new ArrayList<>();
                                servers.forEach(v -> list.add(v.asText()));
                                Origin at = file.at("/kafka_clusters/" + alias);
                                List<String> earlier = kafkaClusters.putIfAbsent(alias, list);
                                if (earlier != null && !earlier.equals(list)) {
                                    problems.add(
                                            new PolicyProblem(
                                                    at,
                                                    "/kafka_clusters/" + alias,
                                                    "Conflicting servers for Kafka cluster "
                                                            + alias
                                                            + " (also at "
                                                            + kafkaClusterOrigins.get(alias)
                                                            + "). Declare each cluster once."));
                                }
                                kafkaClusterOrigins.putIfAbsent(alias, at);
                            });
            fields(root.path("subjects"))
                    .forEach(
                            (subject, columns) -> {
                                Set<String> set =
                                        subjects.computeIfAbsent(
                                                subject, k -> new LinkedHashSet<>());
                                // {key: col, also: [cols]} or [cols]: the key comes first
                                if (columns.isObject()) {
                                    set.add(columns.path("key").asText());
                                    columns.path("also").forEach(c -> set.add(c.asText()));
                                } else {
                                    columns.forEach(c -> set.add(c.asText()));
                                }
                            });
        }

        private void addRule(ParsedFile file, JsonNode node, String pointer) {
            String match = node.path("match").asText();
            Map<String, Treatment> zones = new LinkedHashMap<>();
            fields(node.path("zones")).forEach((zone, value) -> zones.put(zone, treatment(value)));
            String id =
                    node.hasNonNull("id")
                            ? node.get("id").asText()
                            : match + "@" + String.join(",", zones.keySet());
            Rule rule = new Rule(id, Glob.of(match), zones, file.at(pointer));
            Rule earlier = rulesById.putIfAbsent(id, rule);
            if (earlier != null) {
                problems.add(
                        new PolicyProblem(
                                rule.origin(),
                                pointer + "/id",
                                "Duplicate rule id '"
                                        + id
                                        + "' (also at "
                                        + earlier.origin()
                                        + "). Give each rule its own id: findings name rules by"
                                        + " id."));
                return;
            }
            rules.add(rule);
        }

        private static Treatment treatment(JsonNode value) {
            if (value.isArray()) {
                List<MaskingFunction> functions = new ArrayList<>();
                value.forEach(v -> functions.add(MaskingFunction.parse(v.asText())));
                return Treatment.mask(functions);
            }
            return switch (value.asText()) {
                case "allow" -> Treatment.ALLOW;
                case "deny" -> Treatment.DENY;
                default -> Treatment.mask(List.of(MaskingFunction.parse(value.asText())));
            };
        }

        private void addTeam(ParsedFile file, String name, JsonNode node) {
            List<Glob> reads = new ArrayList<>();
            node.path("reads").forEach(r -> reads.add(Glob.of(r.asText())));
            Set<String> zones = new TreeSet<>();
            if (node.has("zone")) {
                zones.add(node.get("zone").asText());
            }
            node.path("zones").forEach(z -> zones.add(z.asText()));
            Origin at = file.at("/teams/" + name);
            Team earlier = teams.get(name);
            if (earlier == null) {
                teams.put(name, new Team(name, reads, zones, at));
                return;
            }
            if (!zones.isEmpty() && !earlier.zones().isEmpty() && !zones.equals(earlier.zones())) {
                problems.add(
                        new PolicyProblem(
                                at,
                                "/teams/" + name,
                                "Conflicting zones for team "
                                        + name
                                        + ": "
                                        + zones
                                        + " here, "
                                        + earlier.zones()
                                        + " at "
                                        + earlier.origin()
                                        + ". A team writes to the same zones in every file;"
                                        + " declare them in one place."));
                return;
            }
            List<Glob> union = new ArrayList<>(earlier.reads());
            union.addAll(reads);
            Set<String> z = zones.isEmpty() ? earlier.zones() : zones;
            teams.put(name, new Team(name, union, z, earlier.origin()));
        }

        private void mappings(
                ParsedFile file, JsonNode list, String section, Map<String, TableMapping> into) {
            for (int i = 0; i < list.size(); i++) {
                JsonNode n = list.get(i);
                Origin at = file.at(section + "/" + i);
                IdentityPattern identity = identityPattern(n);
                String pattern =
                        identity != null
                                ? identity.toString()
                                : TableMapping.qualify(n.path("table").asText());
                TableMapping m =
                        new TableMapping(
                                identity != null ? null : Glob.of(pattern),
                                identity,
                                text(n, "dataset"),
                                text(n, "zone"),
                                text(n, "region"),
                                at);
                TableMapping earlier = into.putIfAbsent(pattern, m);
                if (earlier != null
                        && !(eq(earlier.dataset(), m.dataset())
                                && eq(earlier.zone(), m.zone())
                                && eq(earlier.region(), m.region()))) {
                    problems.add(
                            new PolicyProblem(
                                    m.origin(),
                                    section + "/" + i,
                                    "Conflicting "
                                            + section.substring(1)
                                            + " entry for "
                                            + pattern
                                            + " (also at "
                                            + earlier.origin()
                                            + " with other values). Declare each table pattern"
                                            + " and identity pattern once."));
                }
            }
        }

        /** The identity pattern of a sources/sinks entry, or null for a catalog-name entry. */
        private static IdentityPattern identityPattern(JsonNode entry) {
            for (String kind : IdentityPattern.NAME_FIELD.keySet()) {
                JsonNode fields = entry.get(kind);
                if (fields != null && fields.isObject()) {
                    Map<String, Glob> globs = new LinkedHashMap<>();
                    fields(fields).forEach((k, v) -> globs.put(k, Glob.of(v.asText())));
                    return new IdentityPattern(kind, globs);
                }
            }
            return null;
        }

        private void addRetention(ParsedFile file, String dataset, JsonNode node) {
            Duration keep = node.hasNonNull("keep") ? duration(node.get("keep").asText()) : null;
            Retention.Snapshots snapshots = null;
            if (node.has("snapshots")) {
                JsonNode s = node.get("snapshots");
                snapshots =
                        new Retention.Snapshots(
                                s.hasNonNull("keep_last") ? s.get("keep_last").asInt() : null,
                                s.hasNonNull("max_age")
                                        ? duration(s.get("max_age").asText())
                                        : null);
            }
            Retention r =
                    new Retention(
                            dataset,
                            keep,
                            text(node, "time_column"),
                            snapshots,
                            file.at("/retention/" + dataset));
            Retention earlier = retention.putIfAbsent(dataset, r);
            if (earlier != null
                    && !(Objects.equals(earlier.keep(), r.keep())
                            && Objects.equals(earlier.timeColumn(), r.timeColumn())
                            && Objects.equals(earlier.snapshots(), r.snapshots()))) {
                problems.add(
                        new PolicyProblem(
                                r.origin(),
                                "/retention/" + dataset,
                                "Conflicting retention for "
                                        + dataset
                                        + " (also at "
                                        + earlier.origin()
                                        + "). Declare it once."));
            }
        }

        /** A period the schema has checked: a count and a unit s, min, h, d or w. */
        private static Duration duration(String text) {
            int unit = 0;
            while (unit < text.length() && Character.isDigit(text.charAt(unit))) {
                unit++;
            }
            long n = Long.parseLong(text.substring(0, unit));
            return switch (text.substring(unit)) {
                case "s" -> Duration.ofSeconds(n);
                case "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "w" -> Duration.ofDays(7 * n);
                default -> Duration.ofDays(n);
            };
        }

        Policy build(List<String> files) {
            Policy policy =
                    new Policy(
                            files,
                            classifications,
                            classificationOrigins,
                            rules,
                            teams,
                            List.copyOf(sources.values()),
                            List.copyOf(sinks.values()),
                            regions,
                            retention,
                            subjects,
                            unmappedSources == null
                                    ? Policy.UnmappedSources.REJECT
                                    : unmappedSources,
                            kafkaClusters);
            policy.detection(detection.build());
            policy.drift(drift.build());
            return policy;
        }

        private static String text(JsonNode n, String field) {
            return n.hasNonNull(field) ? n.get(field).asText() : null;
        }

        private static boolean eq(String a, String b) {
            return a == null ? b == null : a.equals(b);
        }

        private static Map<String, JsonNode> fields(JsonNode node) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), e.getValue());
            }
            return out;
        }
    }
}
