package dev.sluice.drift;

import dev.sluice.gate.GateReport;
import dev.sluice.gate.PlannedPipeline;
import dev.sluice.gate.PolicyGate;
import dev.sluice.policy.model.DriftSettings;
import dev.sluice.policy.model.Policy;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the pipeline job watches for PII drift: for every sink table of the pipeline, its dataset
 * and the columns no class reaches (by the gate's lineage, judged alone), with the policy's
 * settings and where events go. Serializable: each drift stage carries its part to the task
 * managers.
 *
 * @param topic the Kafka topic drift events are written to (none when {@code bootstrapServers} is
 *     null)
 * @param auditLog the audit log file drift events are appended to, on the task manager
 * @param policyHash a digest of what the policy says about classes and drift: a column quarantined
 *     under one policy stays quarantined across restarts until this changes
 */
public record DriftPlan(
        String pipeline,
        String action,
        double threshold,
        int sampleEvery,
        List<String> phoneRegions,
        String policyHash,
        Map<String, Sink> sinks,
        String bootstrapServers,
        String topic,
        String auditLog)
        implements Serializable {

    /** The default topic of drift events. */
    public static final String DEFAULT_TOPIC = "sluice.drift-events";

    private static final Pattern DATASET = Pattern.compile("dataset ([^,;\\]]+)");

    /**
     * One sink table: its dataset (or the table name when unmapped) and its unclassified columns.
     */
    public record Sink(String table, String dataset, List<String> unclassified)
            implements Serializable {
        public Sink {
            unclassified = List.copyOf(unclassified);
        }
    }

    public DriftPlan {
        phoneRegions = List.copyOf(phoneRegions);
        sinks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sinks));
    }

    /**
     * The plan of a planned pipeline under {@code policy}, or null when the policy has no {@code
     * drift:} section.
     */
    public static DriftPlan of(
            Policy policy,
            PlannedPipeline planned,
            String bootstrapServers,
            String topic,
            String auditLog) {
        if (policy.drift().isEmpty()) {
            return null;
        }
        DriftSettings settings = policy.drift().get();
        PolicyGate gate = new PolicyGate(policy);
        GateReport report = gate.evaluate(planned);
        Map<String, Sink> sinks = new LinkedHashMap<>();
        gate.sinkColumnClasses(planned)
                .forEach(
                        (table, columns) -> {
                            List<String> unclassified = new ArrayList<>();
                            columns.forEach(
                                    (column, classes) -> {
                                        if (classes.isEmpty()) {
                                            unclassified.add(column);
                                        }
                                    });
                            String described = report.datasets().get(table + " (sink)");
                            String dataset = table;
                            if (described != null) {
                                Matcher m = DATASET.matcher(described);
                                if (m.find()) {
                                    dataset = m.group(1).trim();
                                }
                            }
                            String key = normalise(table);
                            sinks.put(key, new Sink(key, dataset, unclassified));
                        });
        return new DriftPlan(
                planned.pipeline().metadata() == null
                        ? planned.pipeline().pipeline().source().name()
                        : planned.pipeline().metadata().name(),
                settings.action().id(),
                settings.threshold(),
                settings.sampleEvery(),
                policy.detection().phoneRegions(),
                policyHash(policy),
                sinks,
                bootstrapServers,
                topic == null ? DEFAULT_TOPIC : topic,
                auditLog);
    }

    /** {@code catalog.database.table} without quoting, as plans and identifiers print it. */
    static String normalise(String table) {
        return table.replace("`", "");
    }

    /** What a sink of the running job watches, or null. */
    Sink sink(String identifier) {
        return sinks.get(normalise(identifier));
    }

    private static String policyHash(Policy policy) {
        StringBuilder b = new StringBuilder();
        policy.classifications().forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        policy.rules().forEach(r -> b.append(r.id()).append(r.zones()).append('\n'));
        policy.sinks().forEach(s -> b.append(s.pattern()).append('\n'));
        policy.drift()
                .ifPresent(d -> b.append(d.action()).append(d.threshold()).append(d.sampleEvery()));
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(b.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every column watched, as {@code table.column}, for the job log. */
    public Set<String> describe() {
        Set<String> out = new java.util.TreeSet<>();
        sinks.values().forEach(s -> s.unclassified().forEach(c -> out.add(s.dataset() + "." + c)));
        return out;
    }
}
