package dev.sluice.policy.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The policy in force: one or more policy files composed (see {@link PolicyLoader} for the
 * composition rules). Immutable; answers the questions the gate asks about tables, columns,
 * classes, zones, regions and teams.
 */
public final class Policy {
    private final List<String> files;
    private final Map<String, Set<String>> classifications;
    private final Map<String, Origin> classificationOrigins;
    private final List<Rule> rules;
    private final Map<String, Team> teams;
    private final List<TableMapping> sources;
    private final List<TableMapping> sinks;
    private final Map<String, Set<String>> regions;
    private final Map<String, Retention> retention;
    private final Map<String, Set<String>> subjects;
    private final UnmappedSources unmappedSources;
    private final Map<String, List<String>> kafkaClusters;

    /** What the gate does with a persistent source no entry maps ({@code unmapped_sources:}). */
    public enum UnmappedSources {
        /** The pipeline is rejected: an unknown place may hold anything (the default). */
        REJECT,
        /** The source is read as holding no classified column. */
        UNCLASSIFIED
    }

    /** Set once by {@link PolicyLoader} before the policy is handed out; never changed after. */
    private DetectionSettings detection = DetectionSettings.none();

    Policy(
            List<String> files,
            Map<String, Set<String>> classifications,
            Map<String, Origin> classificationOrigins,
            List<Rule> rules,
            Map<String, Team> teams,
            List<TableMapping> sources,
            List<TableMapping> sinks,
            Map<String, Set<String>> regions,
            Map<String, Retention> retention,
            Map<String, Set<String>> subjects,
            UnmappedSources unmappedSources,
            Map<String, List<String>> kafkaClusters) {
        this.unmappedSources = unmappedSources;
        this.kafkaClusters = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaClusters));
        this.files = List.copyOf(files);
        this.classifications = Collections.unmodifiableMap(new LinkedHashMap<>(classifications));
        this.classificationOrigins = Map.copyOf(classificationOrigins);
        this.rules = List.copyOf(rules);
        this.teams = Collections.unmodifiableMap(new LinkedHashMap<>(teams));
        this.sources = List.copyOf(sources);
        this.sinks = List.copyOf(sinks);
        this.regions = Collections.unmodifiableMap(new LinkedHashMap<>(regions));
        this.retention = Collections.unmodifiableMap(new LinkedHashMap<>(retention));
        this.subjects = Collections.unmodifiableMap(new LinkedHashMap<>(subjects));
    }

    /** What to do with persistent sources no entry maps; {@code REJECT} unless a file says so. */
    public UnmappedSources unmappedSources() {
        return unmappedSources;
    }

    /**
     * Named Kafka clusters ({@code kafka_clusters:}): alias to bootstrap servers, each a {@code
     * host:port} or a {@code ${VARIABLE}} the gate resolves with the pipeline's variables.
     */
    public Map<String, List<String>> kafkaClusters() {
        return kafkaClusters;
    }

    /** The files this policy was composed from, in load order. */
    public List<String> files() {
        return files;
    }

    /** Classes of each classified dataset column ({@code dataset.table.column}). */
    public Map<String, Set<String>> classifications() {
        return classifications;
    }

    /** The classes of one dataset column, empty when it is not classified. */
    public Set<String> classesOf(String datasetColumn) {
        return classifications.getOrDefault(datasetColumn, Set.of());
    }

    public Optional<Origin> classificationOrigin(String datasetColumn) {
        return Optional.ofNullable(classificationOrigins.get(datasetColumn));
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Every rule that matches {@code className} and says something about {@code zone}. */
    public List<Rule> rulesFor(String className, String zone) {
        return rules.stream()
                .filter(r -> r.match().matches(className) && r.zones().containsKey(zone))
                .toList();
    }

    public Map<String, Team> teams() {
        return teams;
    }

    public Optional<Team> team(String name) {
        return Optional.ofNullable(teams.get(name));
    }

    public List<TableMapping> sources() {
        return sources;
    }

    public List<TableMapping> sinks() {
        return sinks;
    }

    /** The dataset (and region) of a source table, by its most specific matching mapping. */
    public Optional<TableMapping.Resolved> source(String table) {
        return resolve(sources, table, "sources");
    }

    /** The zone and region (and dataset) of a sink table, by its most specific mapping. */
    public Optional<TableMapping.Resolved> sink(String table) {
        return resolve(sinks, table, "sinks");
    }

    /**
     * The regions a class may be stored in: the intersection over every {@code regions} entry that
     * matches it; empty when no entry restricts it.
     */
    public Optional<Set<String>> allowedRegions(String className) {
        Set<String> allowed = null;
        for (Map.Entry<String, Set<String>> e : regions.entrySet()) {
            if (Glob.of(e.getKey()).matches(className)) {
                if (allowed == null) {
                    allowed = new TreeSet<>(e.getValue());
                } else {
                    allowed.retainAll(e.getValue());
                }
            }
        }
        return Optional.ofNullable(allowed).map(Collections::unmodifiableSet);
    }

    public Map<String, Set<String>> regions() {
        return regions;
    }

    public Map<String, Retention> retention() {
        return retention;
    }

    /** Erasure subjects: the dataset columns that identify each kind of person. */
    public Map<String, Set<String>> subjects() {
        return subjects;
    }

    /** The {@code detection:} settings: national phone regions for the detectors. */
    public DetectionSettings detection() {
        return detection;
    }

    void detection(DetectionSettings detection) {
        this.detection = detection;
    }

    /** Set once by {@link PolicyLoader}; null when no file has a {@code drift:} section. */
    private DriftSettings drift;

    /** The {@code drift:} settings: PII drift detection in the pipeline job, when declared. */
    public java.util.Optional<DriftSettings> drift() {
        return java.util.Optional.ofNullable(drift);
    }

    void drift(DriftSettings drift) {
        this.drift = drift;
    }

    private static Optional<TableMapping.Resolved> resolve(
            List<TableMapping> mappings, String table, String section) {
        String qualified = TableMapping.qualify(table);
        List<TableMapping> matching = new ArrayList<>();
        for (TableMapping m : mappings) {
            if (m.matches(qualified)) {
                matching.add(m);
            }
        }
        if (matching.isEmpty()) {
            return Optional.empty();
        }
        matching.sort(Comparator.comparingInt((TableMapping m) -> -m.specificity()));
        TableMapping best = matching.get(0);
        Set<TableMapping.Resolved> tied = new LinkedHashSet<>();
        for (TableMapping m : matching) {
            if (m.specificity() == best.specificity()) {
                TableMapping.Resolved r = m.resolve(qualified);
                tied.add(new TableMapping.Resolved(r.dataset(), r.zone(), r.region(), null));
            }
        }
        if (tied.size() > 1) {
            throw new PolicyException(
                    List.of(
                            new PolicyProblem(
                                    best.origin(),
                                    "/" + section,
                                    "Table "
                                            + qualified
                                            + " matches several "
                                            + section
                                            + " entries equally ("
                                            + matching.stream()
                                                    .map(m -> m.pattern() + " at " + m.origin())
                                                    .toList()
                                            + ") that disagree. Make one pattern more specific.")));
        }
        return Optional.of(best.resolve(qualified));
    }
}
