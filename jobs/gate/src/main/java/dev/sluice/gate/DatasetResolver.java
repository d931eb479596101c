package dev.sluice.gate;

import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.model.PolicyProblem;
import dev.sluice.policy.model.TableMapping;
import dev.sluice.sql.Variables;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Maps dataset identities to the policy's {@code sources:} and {@code sinks:} entries: identity
 * patterns match an identity's fields; catalog-name entries match the identities of the catalog
 * tables they name (sugar resolved through the catalog's DDL, so a table declared anywhere over the
 * same place gets the same answer, and a table merely named like a catalog table does not).
 */
final class DatasetResolver {
    private final Policy policy;
    private final Map<String, String> clusters = new LinkedHashMap<>();
    private final Map<String, List<DatasetIdentity>> catalogIdentities = new LinkedHashMap<>();
    private final Map<String, List<String>> catalogColumns = new LinkedHashMap<>();

    DatasetResolver(
            Policy policy,
            Variables variables,
            Map<String, PlannedPipeline.CatalogTableInfo> catalogTables) {
        this.policy = policy;
        policy.kafkaClusters()
                .forEach(
                        (alias, servers) -> {
                            List<String> resolved = new ArrayList<>();
                            for (String s : servers) {
                                resolved.add(resolveVariable(s, variables));
                            }
                            clusters.put(
                                    alias,
                                    DatasetIdentity.normaliseServers(String.join(",", resolved)));
                        });
        catalogTables.forEach(
                (name, info) -> {
                    try {
                        catalogIdentities.put(name, DatasetIdentity.of(info.options(), clusters));
                        catalogColumns.put(name, info.columns());
                    } catch (DatasetIdentity.Problem e) {
                        // the catalog table's own use reports it; it maps nothing meanwhile
                    }
                });
    }

    private static String resolveVariable(String value, Variables variables) {
        if (value.startsWith("${") && value.endsWith("}")) {
            return variables
                    .get(value.substring(2, value.length() - 1))
                    .map(Variables.Value::value)
                    .orElse(value);
        }
        return value;
    }

    /** The identities of a table from its resolved options, with the policy's cluster aliases. */
    List<DatasetIdentity> identities(Map<String, String> options) {
        return DatasetIdentity.of(options, clusters);
    }

    /** The columns of the catalog's tables over an identity (empty when none declares it). */
    Set<String> catalogColumns(DatasetIdentity identity) {
        Set<String> out = new TreeSet<>();
        catalogIdentities.forEach(
                (name, ids) -> {
                    if (ids.contains(identity)) {
                        out.addAll(catalogColumns.get(name));
                    }
                });
        return out;
    }

    /** The catalog table names over an identity. */
    List<String> catalogNames(DatasetIdentity identity) {
        List<String> out = new ArrayList<>();
        catalogIdentities.forEach(
                (name, ids) -> {
                    if (ids.contains(identity)) {
                        out.add(name);
                    }
                });
        return out;
    }

    /** The sink entry of an identity, if any. */
    Optional<TableMapping.Resolved> sink(DatasetIdentity identity) {
        List<TableMapping.Resolved> r = resolve(policy.sinks(), identity, "sinks", Set.of());
        return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    }

    /**
     * The source entries of an identity: the {@code sources:} entry, else the {@code sinks:} entry
     * (a pipeline reading another's sink). A topic pattern resolves to every entry of a topic it
     * could match among {@code knownTopics} and the entries' own topic patterns.
     */
    List<TableMapping.Resolved> source(DatasetIdentity identity, Set<String> knownTopics) {
        List<TableMapping.Resolved> r = resolve(policy.sources(), identity, "sources", knownTopics);
        if (r.isEmpty()) {
            r = resolve(policy.sinks(), identity, "sinks", knownTopics);
        }
        return r;
    }

    private List<TableMapping.Resolved> resolve(
            List<TableMapping> entries,
            DatasetIdentity identity,
            String section,
            Set<String> knownTopics) {
        if (identity.fields().containsKey("topic-pattern")) {
            return resolvePattern(entries, identity, section, knownTopics);
        }
        List<Candidate> matching = new ArrayList<>();
        for (TableMapping m : entries) {
            if (m.identity() != null) {
                if (m.identity().matches(identity.kind(), identity.fields())) {
                    matching.add(new Candidate(m, m.resolve(identity.fields())));
                }
            } else {
                for (Map.Entry<String, List<DatasetIdentity>> t : catalogIdentities.entrySet()) {
                    if (t.getValue().contains(identity) && m.matches(t.getKey())) {
                        matching.add(new Candidate(m, m.resolve(t.getKey())));
                    }
                }
            }
        }
        if (matching.isEmpty()) {
            return List.of();
        }
        matching.sort(Comparator.comparingInt((Candidate c) -> -c.mapping().specificity()));
        Candidate best = matching.get(0);
        for (Candidate c : matching) {
            if (c.mapping().specificity() == best.mapping().specificity()
                    && !same(c.resolved(), best.resolved())) {
                throw new PolicyException(
                        List.of(
                                new PolicyProblem(
                                        c.mapping().origin(),
                                        "/" + section,
                                        "Dataset "
                                                + identity
                                                + " is mapped by two "
                                                + section
                                                + " entries that disagree: "
                                                + c.mapping().pattern()
                                                + " at "
                                                + c.mapping().origin()
                                                + " ("
                                                + describe(c.resolved())
                                                + ") and "
                                                + best.mapping().pattern()
                                                + " at "
                                                + best.mapping().origin()
                                                + " ("
                                                + describe(best.resolved())
                                                + "). One place is one dataset: remove one"
                                                + " entry or make one pattern more specific.")));
            }
        }
        return List.of(best.resolved());
    }

    private List<TableMapping.Resolved> resolvePattern(
            List<TableMapping> entries,
            DatasetIdentity identity,
            String section,
            Set<String> knownTopics) {
        Pattern regex = Pattern.compile(identity.fields().get("topic-pattern"));
        Set<String> topics = new LinkedHashSet<>(knownTopics);
        catalogIdentities.values().stream()
                .flatMap(List::stream)
                .filter(i -> i.kind().equals("kafka") && i.fields().containsKey("topic"))
                .forEach(i -> topics.add(i.fields().get("topic")));
        for (TableMapping m : entries) {
            if (m.identity() != null
                    && m.identity().kind().equals("kafka")
                    && m.identity().fields().containsKey("topic")) {
                // a pattern's own topics: its stars as one segment and as nothing
                String t = m.identity().fields().get("topic").toString();
                topics.add(t.replace("*", "x"));
                topics.add(t.replace("*", ""));
            }
        }
        Map<String, TableMapping.Resolved> out = new LinkedHashMap<>();
        for (String topic : topics) {
            if (!regex.matcher(topic).matches()) {
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>(identity.fields());
            fields.remove("topic-pattern");
            fields.put("topic", topic);
            for (TableMapping.Resolved r :
                    resolve(entries, new DatasetIdentity("kafka", fields), section, Set.of())) {
                out.putIfAbsent(describe(r), r);
            }
        }
        return new ArrayList<>(out.values());
    }

    private record Candidate(TableMapping mapping, TableMapping.Resolved resolved) {}

    private static boolean same(TableMapping.Resolved a, TableMapping.Resolved b) {
        return java.util.Objects.equals(a.dataset(), b.dataset())
                && java.util.Objects.equals(a.zone(), b.zone())
                && java.util.Objects.equals(a.region(), b.region());
    }

    static String describe(TableMapping.Resolved r) {
        List<String> parts = new ArrayList<>();
        if (r.dataset() != null) {
            parts.add("dataset " + r.dataset());
        }
        if (r.zone() != null) {
            parts.add("zone " + r.zone());
        }
        if (r.region() != null) {
            parts.add("region " + r.region());
        }
        return String.join(", ", parts);
    }
}
