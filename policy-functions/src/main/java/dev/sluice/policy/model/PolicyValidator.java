package dev.sluice.policy.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.policy.detect.SensitiveClass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a policy for meaning once its files have the right shape: every name it uses must be one
 * it (or Sluice) declares, because a misspelt name in a policy does not fail, it silently stops
 * applying. Unknown classes, masking functions that the {@code sluice} module does not have or
 * called with too many arguments, rules and residency entries that match no class, datasets no
 * {@code sources:}/{@code sinks:} entry declares, zones that are a typo of another: each is a
 * problem at its {@code file:line:col} with the nearest known name.
 *
 * <p>What needs the catalog (table patterns that match no table) is checked by {@link
 * #unmatchedSources}, called by the gate once the catalog is known.
 */
public final class PolicyValidator {
    /** Module functions that are not masks: a rule naming them would protect nothing. */
    private static final Set<String> NOT_MASKS = Set.of("decrypt_deterministic", "classify");

    private final List<PolicyLoader.ParsedFile> files;
    private final List<PolicyProblem> problems = new ArrayList<>();
    private final Set<String> classes = new TreeSet<>();
    private final List<Glob> datasets = new ArrayList<>();
    private final List<String> datasetPatterns = new ArrayList<>();
    private final Set<String> sinkZones = new TreeSet<>();
    private final Set<String> teamZones = new TreeSet<>();
    private final Set<String> ruleZones = new TreeSet<>();
    private boolean hasSources;

    private PolicyValidator(List<PolicyLoader.ParsedFile> files) {
        this.files = files;
    }

    /** The built-in classes of the detector taxonomy ({@code PII.EMAIL}, ...). */
    public static Set<String> builtInClasses() {
        Set<String> out = new TreeSet<>();
        for (SensitiveClass c : SensitiveClass.values()) {
            out.add(c.code());
        }
        return out;
    }

    static List<PolicyProblem> check(List<PolicyLoader.ParsedFile> files) {
        PolicyValidator v = new PolicyValidator(files);
        v.collectDeclarations();
        for (PolicyLoader.ParsedFile file : files) {
            v.checkFile(file);
        }
        return v.problems;
    }

    private void collectDeclarations() {
        classes.addAll(builtInClasses());
        for (PolicyLoader.ParsedFile file : files) {
            JsonNode root = file.root();
            classes.addAll(fields(root.path("classes")).keySet());
            for (JsonNode s : root.path("sources")) {
                hasSources = true;
                addDataset(s.path("dataset").asText(null));
            }
            for (JsonNode s : root.path("sinks")) {
                addDataset(s.path("dataset").asText(null));
                sinkZones.add(s.path("zone").asText());
            }
            for (JsonNode team : fields(root.path("teams")).values()) {
                if (team.has("zone")) {
                    teamZones.add(team.get("zone").asText());
                }
                team.path("zones").forEach(z -> teamZones.add(z.asText()));
            }
            for (JsonNode rule : root.path("rules")) {
                ruleZones.addAll(fields(rule.path("zones")).keySet());
            }
        }
    }

    private void addDataset(String pattern) {
        if (pattern != null && !pattern.isEmpty()) {
            datasets.add(Glob.of(pattern));
            datasetPatterns.add(pattern);
        }
    }

    private void checkFile(PolicyLoader.ParsedFile file) {
        JsonNode root = file.root();
        fields(root.path("classifications"))
                .forEach(
                        (column, list) -> {
                            String pointer = "/classifications/" + column;
                            for (int i = 0; i < list.size(); i++) {
                                checkClass(file, pointer + "/" + i, list.get(i).asText());
                            }
                            checkDatasetColumn(file, pointer, column);
                        });
        JsonNode rules = root.path("rules");
        for (int i = 0; i < rules.size(); i++) {
            checkRule(file, "/rules/" + i, rules.get(i));
        }
        fields(root.path("regions"))
                .forEach(
                        (pattern, list) ->
                                checkClassPattern(
                                        file,
                                        "/regions/" + pattern,
                                        pattern,
                                        "Residency entry " + pattern));
        fields(root.path("teams"))
                .forEach(
                        (name, team) -> {
                            String pointer = "/teams/" + name;
                            if (team.has("zone")) {
                                checkTeamZone(file, pointer + "/zone", team.get("zone").asText());
                            }
                            JsonNode zones = team.path("zones");
                            for (int i = 0; i < zones.size(); i++) {
                                checkTeamZone(file, pointer + "/zones/" + i, zones.get(i).asText());
                            }
                            JsonNode reads = team.path("reads");
                            for (int i = 0; i < reads.size(); i++) {
                                checkDatasetPattern(
                                        file,
                                        pointer + "/reads/" + i,
                                        reads.get(i).asText(),
                                        "Team " + name + " reads");
                            }
                        });
        JsonNode sinks = root.path("sinks");
        for (int i = 0; i < sinks.size(); i++) {
            String zone = sinks.get(i).path("zone").asText();
            if (!ruleZones.contains(zone) && !teamZones.contains(zone)) {
                Optional<String> near = closest(zone, union(ruleZones, teamZones));
                String pointer = "/sinks/" + i + "/zone";
                near.ifPresent(
                        z ->
                                problem(
                                        file,
                                        pointer,
                                        "Zone '"
                                                + zone
                                                + "' is named by no rule and no team. Did you mean"
                                                + " '"
                                                + z
                                                + "'? A sink in a zone no rule names receives no"
                                                + " classified data."));
            }
        }
        fields(root.path("retention"))
                .forEach(
                        (dataset, r) ->
                                checkDatasetPattern(
                                        file, "/retention/" + dataset, dataset, "Retention for"));
        fields(root.path("subjects"))
                .forEach(
                        (subject, columns) -> {
                            String pointer = "/subjects/" + subject;
                            if (columns.isObject()) {
                                checkDatasetColumn(
                                        file, pointer + "/key", columns.path("key").asText());
                                columns = columns.path("also");
                                pointer = pointer + "/also";
                            }
                            for (int i = 0; i < columns.size(); i++) {
                                checkDatasetColumn(
                                        file, pointer + "/" + i, columns.get(i).asText());
                            }
                        });
    }

    private void checkClass(PolicyLoader.ParsedFile file, String pointer, String name) {
        if (classes.contains(name)) {
            return;
        }
        problem(
                file,
                pointer,
                "Unknown class '"
                        + name
                        + "'."
                        + DidYouMean.hint(name, classes)
                        + " Use a built-in class ("
                        + String.join(", ", builtInClasses())
                        + ") or declare your own under classes:, e.g. classes: {"
                        + name
                        + ": \"what it is\"}.");
    }

    private void checkClassPattern(
            PolicyLoader.ParsedFile file, String pointer, String pattern, String what) {
        Glob glob = Glob.of(pattern);
        if (classes.stream().anyMatch(glob::matches)) {
            return;
        }
        problem(
                file,
                pointer,
                what
                        + " matches no known class, so it would never apply."
                        + DidYouMean.hint(pattern, classes)
                        + " Name a built-in class or family (e.g. PII.EMAIL, PCI.*) or declare the"
                        + " class under classes:.");
    }

    private void checkRule(PolicyLoader.ParsedFile file, String pointer, JsonNode rule) {
        String id = rule.hasNonNull("id") ? rule.get("id").asText() : null;
        String name = id == null ? "Rule " + pointer.substring(1) : "Rule " + id;
        checkClassPattern(file, pointer + "/match", rule.path("match").asText(), name);
        fields(rule.path("zones"))
                .forEach(
                        (zone, value) -> {
                            String zp = pointer + "/zones/" + zone;
                            if (!sinkZones.contains(zone) && !teamZones.contains(zone)) {
                                closest(zone, union(sinkZones, teamZones))
                                        .ifPresent(
                                                z ->
                                                        problem(
                                                                file,
                                                                zp,
                                                                name
                                                                        + " names zone '"
                                                                        + zone
                                                                        + "', which no sink or team"
                                                                        + " has. Did you mean '"
                                                                        + z
                                                                        + "'?"));
                            }
                            if (value.isArray()) {
                                for (int i = 0; i < value.size(); i++) {
                                    checkFunction(file, zp + "/" + i, value.get(i).asText(), name);
                                }
                            } else if (!value.asText().equals("allow")
                                    && !value.asText().equals("deny")) {
                                checkFunction(file, zp, value.asText(), name);
                            }
                        });
    }

    private void checkFunction(
            PolicyLoader.ParsedFile file, String pointer, String text, String rule) {
        MaskingFunction f;
        try {
            f = MaskingFunction.parse(text);
        } catch (IllegalArgumentException e) {
            problem(file, pointer, e.getMessage());
            return;
        }
        Optional<SluiceFunctions.Arity> arity = SluiceFunctions.arity(f.name());
        if (arity.isEmpty() || NOT_MASKS.contains(f.name())) {
            Set<String> masks = new TreeSet<>(SluiceFunctions.all().keySet());
            masks.removeAll(NOT_MASKS);
            problem(
                    file,
                    pointer,
                    rule
                            + (arity.isEmpty()
                                    ? " names masking function '"
                                            + f.name()
                                            + "', which the sluice module does not have."
                                    : " names '" + f.name() + "', which is not a masking function.")
                            + DidYouMean.hint(f.name(), masks)
                            + " Masking functions: "
                            + String.join(", ", masks)
                            + ".");
            return;
        }
        int given = 1 + (f.arguments() == null ? 0 : f.arguments().size());
        if (given > arity.get().max()) {
            problem(
                    file,
                    pointer,
                    rule
                            + ": "
                            + f.name()
                            + " takes "
                            + arity.get()
                            + " argument"
                            + (arity.get().max() == 1 ? "" : "s")
                            + " (the value first), but "
                            + f
                            + " gives it "
                            + given
                            + " with the value. Remove the extra arguments"
                            + (arity.get().max() == 1 ? ": write " + f.name() + "." : "."));
        }
    }

    private void checkTeamZone(PolicyLoader.ParsedFile file, String pointer, String zone) {
        if (sinkZones.contains(zone) || ruleZones.contains(zone)) {
            return;
        }
        closest(zone, union(sinkZones, ruleZones))
                .ifPresent(
                        z ->
                                problem(
                                        file,
                                        pointer,
                                        "Zone '"
                                                + zone
                                                + "' is named by no sink and no rule. Did you mean"
                                                + " '"
                                                + z
                                                + "'?"));
    }

    /** {@code dataset.table.column}: its dataset must be one a source or sink declares. */
    private void checkDatasetColumn(PolicyLoader.ParsedFile file, String pointer, String column) {
        if (!hasSources) {
            return; // no source at all is reported once, by the caller that needs sources
        }
        int dot = column.lastIndexOf('.');
        String dataset = dot < 0 ? column : column.substring(0, dot);
        if (datasets.stream().anyMatch(g -> g.matches(dataset))) {
            return;
        }
        problem(
                file,
                pointer,
                "Column "
                        + column
                        + " belongs to dataset "
                        + dataset
                        + ", which no sources: or sinks: entry declares (datasets: "
                        + String.join(", ", datasetPatterns)
                        + "), so it would never be recognised."
                        + datasetHint(dataset)
                        + " Check the spelling, or map the table holding it under sources:.");
    }

    private void checkDatasetPattern(
            PolicyLoader.ParsedFile file, String pointer, String pattern, String what) {
        if (!hasSources) {
            return;
        }
        for (String declared : datasetPatterns) {
            if (Glob.intersects(pattern, declared)) {
                return;
            }
        }
        problem(
                file,
                pointer,
                what
                        + " "
                        + pattern
                        + ", which matches no dataset a sources: or sinks: entry declares"
                        + " (datasets: "
                        + String.join(", ", datasetPatterns)
                        + ")."
                        + datasetHint(pattern)
                        + " Check the spelling.");
    }

    /** A did-you-mean for the first segment of a dataset name, the usual place of a typo. */
    private String datasetHint(String dataset) {
        String[] parts = dataset.split("\\.", 2);
        Set<String> firsts = new LinkedHashSet<>();
        for (String d : datasetPatterns) {
            firsts.add(d.split("\\.", 2)[0]);
        }
        firsts.removeIf(f -> f.contains("*"));
        return DidYouMean.closest(parts[0], firsts)
                .map(f -> " Did you mean '" + f + (parts.length > 1 ? "." + parts[1] : "") + "'?")
                .orElse("");
    }

    /**
     * Problems of {@code sources:} table patterns that match none of {@code tables} (qualified
     * {@code catalog.database.table} names) while being a near miss of one: a typo that leaves the
     * real tables unmapped. Patterns far from every table may name tables other pipelines declare,
     * so they are not problems here. Only catalog-name ({@code table:}) entries are checked here.
     */
    public static List<PolicyProblem> unmatchedSources(Policy policy, Collection<String> tables) {
        List<PolicyProblem> out = new ArrayList<>();
        for (TableMapping m : policy.sources()) {
            if (m.table() == null || tables.stream().anyMatch(m::matches)) {
                continue; // identity entries are checked by the gate against resolved identities
            }
            String suggestion = nearestPattern(m.table().toString(), tables);
            if (suggestion != null) {
                out.add(
                        new PolicyProblem(
                                m.origin(),
                                "",
                                "sources: table pattern "
                                        + m.table()
                                        + " matches no table of the catalog or the pipeline."
                                        + " Did you mean "
                                        + suggestion
                                        + "? Tables it does not map hold no dataset, so their"
                                        + " classified columns would not be recognised."));
            }
        }
        return out;
    }

    /**
     * The pattern with its misspelt segments replaced by the nearest segment of a table at the same
     * position, when that makes it match a table; null otherwise.
     */
    static String nearestPattern(String pattern, Collection<String> tables) {
        String[] parts = pattern.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        List<Set<String>> segments = List.of(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
        for (String t : tables) {
            String[] tp = t.split("\\.", -1);
            if (tp.length == 3) {
                for (int i = 0; i < 3; i++) {
                    segments.get(i).add(tp[i]);
                }
            }
        }
        String[] fixed = parts.clone();
        for (int i = 0; i < 3; i++) {
            final int index = i;
            if (segments.get(i).stream().anyMatch(s -> Glob.of(parts[index]).matches(s))) {
                continue;
            }
            Optional<String> near;
            if (parts[i].indexOf('*') > 0) {
                near = nearestPrefix(parts[i], segments.get(i));
            } else if (parts[i].contains("*")) {
                near = Optional.empty();
            } else {
                near = DidYouMean.closest(parts[i], segments.get(i));
            }
            if (near.isEmpty()) {
                return null;
            }
            fixed[i] = near.get();
        }
        String candidate = String.join(".", fixed);
        Glob glob = Glob.of(candidate);
        return tables.stream().anyMatch(glob::matches) ? shorten(candidate) : null;
    }

    /**
     * For a segment such as {@code paymnts_*}: the literal before the star is compared with the
     * prefixes of each known segment, the typo being in the literal part.
     */
    private static Optional<String> nearestPrefix(String segment, Set<String> known) {
        int star = segment.indexOf('*');
        String literal = segment.substring(0, star);
        String rest = segment.substring(star);
        String best = null;
        int bestDistance = 3;
        for (String s : known) {
            for (int len = Math.max(1, literal.length() - 2);
                    len <= Math.min(s.length(), literal.length() + 2);
                    len++) {
                String prefix = s.substring(0, len);
                int d = DidYouMean.distance(prefix, literal);
                if (d < bestDistance && Glob.of(prefix + rest).matches(s)) {
                    best = prefix + rest;
                    bestDistance = d;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private static String shorten(String qualified) {
        if (qualified.startsWith(
                TableMapping.DEFAULT_CATALOG + "." + TableMapping.DEFAULT_DATABASE + ".")) {
            return qualified.substring(
                    (TableMapping.DEFAULT_CATALOG + "." + TableMapping.DEFAULT_DATABASE + ".")
                            .length());
        }
        if (qualified.startsWith(TableMapping.DEFAULT_CATALOG + ".")) {
            return qualified.substring(TableMapping.DEFAULT_CATALOG.length() + 1);
        }
        return qualified;
    }

    private static Optional<String> closest(String name, Set<String> candidates) {
        return DidYouMean.closest(name, candidates);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }

    private void problem(PolicyLoader.ParsedFile file, String pointer, String message) {
        problems.add(new PolicyProblem(file.at(pointer), pointer, message));
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
