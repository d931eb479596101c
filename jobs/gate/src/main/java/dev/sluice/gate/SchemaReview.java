package dev.sluice.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.model.TableMapping;
import dev.sluice.sql.Variables;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchema;
import dev.sluice.stagingschemas.StagingSchemas;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the policy sound when source tables change: a column that the staging schema registry shows
 * but the policy has not classified is <em>unreviewed</em>, and no sink receives it through schema
 * evolution until the policy classifies it.
 *
 * <p>What counts as reviewed: a column with an entry under {@code classifications:} for the topic's
 * dataset (an empty list, {@code []}, says "reviewed, not sensitive"), and every column of the
 * first schema version the registry holds for the topic, the table as ingest first saw it, which
 * pipelines and the policy were written against. A column that appeared in a later version and has
 * no entry is unreviewed. When the registry's history of a topic no longer starts with its first
 * version (a record with no previous version), no column counts as seen from the start.
 *
 * <p>The staging topic maps to its dataset the way every gate decision maps it: through the
 * policy's {@code sources:} identity entries ({@code kafka: {cluster, topic}}), on any Kafka
 * cluster alias the policy names, so {@code staging.shop.public.customers} is the dataset {@code
 * shop.customers} when a source entry says {@code topic: 'staging.shop.public.*', dataset: shop.*}.
 */
public final class SchemaReview {

    /** The finding's id. */
    public static final String UNREVIEWED_COLUMN = "schema.unreviewed-column";

    /** The audit record kind of a schema change. */
    public static final String AUDIT_KIND = "schema-change";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaReview() {}

    /** An added column that {@code evolve} must not propagate, and why. */
    public record HeldBack(StagingColumn column, String reason) {}

    /**
     * The added columns of one schema version: those {@code evolve} may propagate (the policy
     * classifies them for the topic's dataset) and those it holds back, each with the reason.
     * {@code dataset} is null when the topic maps to no dataset.
     */
    public record Additions(
            String topic,
            String dataset,
            List<StagingColumn> propagatable,
            List<HeldBack> heldBack) {
        public Additions {
            propagatable = List.copyOf(propagatable);
            heldBack = List.copyOf(heldBack);
        }

        /** Whether {@code evolve} may add the column of that name. */
        public boolean mayPropagate(String column) {
            return propagatable.stream().anyMatch(c -> c.name().equals(column));
        }
    }

    /** A {@code schema.unreviewed-column} finding. */
    public record Unreviewed(
            String topic,
            String dataset,
            StagingColumn column,
            String version,
            Instant appearedAt,
            String hint) {

        public String id() {
            return UNREVIEWED_COLUMN;
        }

        /** The dataset column, e.g. {@code shop.customers.loyalty_tier}. */
        public String datasetColumn() {
            return dataset + "." + column.name();
        }

        public String describe() {
            return UNREVIEWED_COLUMN
                    + ": "
                    + datasetColumn()
                    + " ("
                    + column.type()
                    + ", staging topic "
                    + topic
                    + ") appeared in schema version "
                    + version
                    + " at "
                    + appearedAt
                    + "; unclassified: no pipeline receives it until the policy classifies it"
                    + " (add it under classifications:, e.g. '"
                    + datasetColumn()
                    + ": [PII.EMAIL]', or '"
                    + datasetColumn()
                    + ": []' when it is not sensitive; `sluice classify --staging-kafka ...`"
                    + " proposes classes for it)."
                    + (hint == null ? "" : " " + hint);
        }
    }

    /**
     * The dataset a staging topic holds by the policy's {@code sources:}, if exactly one; empty
     * when no entry maps it. Two clusters' entries giving different datasets are a policy problem
     * ({@link PolicyException}).
     */
    public static Optional<String> dataset(String topic, Policy policy) {
        DatasetResolver resolver = new DatasetResolver(policy, Variables.empty(), Map.of());
        Set<String> clusters = new LinkedHashSet<>(policy.kafkaClusters().keySet());
        if (clusters.isEmpty()) {
            clusters.add("");
        }
        Set<String> datasets = new LinkedHashSet<>();
        for (String cluster : clusters) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("cluster", cluster);
            fields.put("topic", topic);
            for (TableMapping.Resolved r :
                    resolver.source(new DatasetIdentity("kafka", fields), Set.of())) {
                if (r.dataset() != null) {
                    datasets.add(r.dataset());
                }
            }
        }
        if (datasets.size() > 1) {
            throw new PolicyException(
                    List.of(
                            new dev.sluice.policy.model.PolicyProblem(
                                    policy.sources().get(0).origin(),
                                    "/sources",
                                    "Staging topic "
                                            + topic
                                            + " maps to several datasets on the policy's Kafka"
                                            + " clusters: "
                                            + datasets
                                            + ". One topic is one dataset: make the sources:"
                                            + " entries agree.")));
        }
        return datasets.stream().findFirst();
    }

    /**
     * Which added columns of a schema version {@code evolve} may propagate: those the policy
     * classifies for the topic's dataset. Every other added column is held back with the reason
     * (the topic maps to no dataset, or the column is unclassified).
     */
    public static Additions reviewedAdditions(StagingSchema schema, Policy policy) {
        String dataset;
        try {
            dataset = dataset(schema.topic(), policy).orElse(null);
        } catch (PolicyException e) {
            List<HeldBack> held = new ArrayList<>();
            for (StagingColumn c : schema.change().added()) {
                held.add(new HeldBack(c, e.getMessage()));
            }
            return new Additions(schema.topic(), null, List.of(), held);
        }
        List<StagingColumn> propagatable = new ArrayList<>();
        List<HeldBack> held = new ArrayList<>();
        for (StagingColumn c : schema.change().added()) {
            if (dataset == null) {
                held.add(
                        new HeldBack(
                                c,
                                "staging topic "
                                        + schema.topic()
                                        + " maps to no dataset in the policy's sources:, so no"
                                        + " classification can review "
                                        + c.name()
                                        + "; add a sources: entry for the topic"));
            } else if (policy.classifications().containsKey(dataset + "." + c.name())) {
                propagatable.add(c);
            } else {
                String hint = nearMiss(policy, dataset, c.name());
                held.add(
                        new HeldBack(
                                c,
                                dataset
                                        + "."
                                        + c.name()
                                        + " is unclassified: no pipeline receives it until the"
                                        + " policy classifies it"
                                        + (hint == null ? "" : " (" + hint + ")")));
            }
        }
        return new Additions(schema.topic(), dataset, propagatable, held);
    }

    /**
     * The unreviewed columns of every topic in a registry history ({@code StagingSchemaRegistry
     * .readHistory}), in topic and column order. Topics no source entry maps are left out (their
     * pipelines get {@code unmapped-source} findings).
     */
    public static List<Unreviewed> unreviewed(
            Map<String, List<StagingSchema>> history, Policy policy) {
        List<Unreviewed> out = new ArrayList<>();
        for (Map.Entry<String, List<StagingSchema>> e :
                new java.util.TreeMap<>(history).entrySet()) {
            List<StagingSchema> versions = e.getValue();
            if (versions.isEmpty()) {
                continue;
            }
            Optional<String> dataset = dataset(e.getKey(), policy);
            if (dataset.isEmpty()) {
                continue;
            }
            Set<String> baseline = new HashSet<>();
            boolean complete = versions.get(0).previous() == null;
            if (complete) {
                versions.get(0).columns().forEach(c -> baseline.add(c.name()));
            }
            StagingSchema latest = versions.get(versions.size() - 1);
            for (StagingColumn c : latest.columns()) {
                if (baseline.contains(c.name())
                        || policy.classifications().containsKey(dataset.get() + "." + c.name())) {
                    continue;
                }
                // the version since which the column is there without a break
                StagingSchema since = latest;
                for (int i = versions.size() - 1; i >= 0; i--) {
                    if (versions.get(i).column(c.name()) == null) {
                        break;
                    }
                    since = versions.get(i);
                }
                String hint = nearMiss(policy, dataset.get(), c.name());
                if (!complete) {
                    hint =
                            (hint == null ? "" : hint + ". ")
                                    + "The registry's history of "
                                    + e.getKey()
                                    + " starts at version "
                                    + versions.get(0).version()
                                    + ", not at the first one, so no column counts as seen from"
                                    + " the start";
                }
                out.add(
                        new Unreviewed(
                                e.getKey(),
                                dataset.get(),
                                c,
                                since.version(),
                                since.changedAt(),
                                hint == null ? null : hint + "."));
            }
        }
        return out;
    }

    /** A classification of the same column name under another dataset: likely a typo. */
    private static String nearMiss(Policy policy, String dataset, String column) {
        for (String key : policy.classifications().keySet()) {
            if (key.endsWith("." + column) && !key.equals(dataset + "." + column)) {
                return "the policy classifies "
                        + key
                        + ", which is not this topic's dataset "
                        + dataset
                        + ": check the dataset name";
            }
        }
        return null;
    }

    /**
     * Records every schema change in the history (each version with a previous one) in the audit
     * log as kind {@code schema-change}, unless the log has it already (by topic and version), with
     * the decision for each added column. Returns the records written.
     */
    public static List<ObjectNode> audit(
            Map<String, List<StagingSchema>> history, Policy policy, AuditLog log, String context) {
        Set<String> seen = new HashSet<>();
        for (JsonNode r : log.read()) {
            if (AUDIT_KIND.equals(AuditLog.kind(r))) {
                seen.add(r.path("topic").asText() + "@" + r.path("to").asText());
            }
        }
        List<ObjectNode> written = new ArrayList<>();
        for (Map.Entry<String, List<StagingSchema>> e :
                new java.util.TreeMap<>(history).entrySet()) {
            for (StagingSchema s : e.getValue()) {
                if (s.previous() == null || !seen.add(s.topic() + "@" + s.version())) {
                    continue;
                }
                Additions additions = reviewedAdditions(s, policy);
                ObjectNode record = JSON.createObjectNode();
                record.put("kind", AUDIT_KIND);
                record.put("time", Instant.now().toString());
                record.put("context", context);
                record.put("topic", s.topic());
                record.put("dataset", additions.dataset());
                record.put("from", s.previous());
                record.put("to", s.version());
                record.put("changed_at", s.changedAt().toString());
                record.put("summary", s.change().summary());
                record.set("change", StagingSchemas.toJson(s).get("change"));
                ArrayNode decisions = record.putArray("decisions");
                for (StagingColumn c : additions.propagatable()) {
                    decisions
                            .addObject()
                            .put("column", c.name())
                            .put("decision", "propagatable")
                            .put(
                                    "reason",
                                    "classified as "
                                            + policy.classesOf(
                                                    additions.dataset() + "." + c.name()));
                }
                for (HeldBack h : additions.heldBack()) {
                    decisions
                            .addObject()
                            .put("column", h.column().name())
                            .put("decision", "held back")
                            .put("reason", h.reason());
                }
                log.appendRecord(record);
                written.add(record);
            }
        }
        return written;
    }
}
