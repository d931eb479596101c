package dev.sluice.policy.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A dataset identity pattern of a {@code sources:}/{@code sinks:} entry, e.g. {@code {kafka:
 * {cluster: main, topic: 'staging.shop.*'}}}: a connector kind and a glob per identity field. A
 * field left out matches any value. Fields per kind: kafka {@code cluster, topic}; jdbc {@code
 * host, port, database, table} (table as {@code schema.table}); iceberg {@code catalog, table}
 * (table as {@code namespace.table}); filesystem {@code path}.
 */
public record IdentityPattern(String kind, Map<String, Glob> fields) {

    /** The field whose stars a {@code dataset: x.*} entry takes, per kind. */
    public static final Map<String, String> NAME_FIELD =
            Map.of("kafka", "topic", "jdbc", "table", "iceberg", "table", "filesystem", "path");

    public IdentityPattern {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Whether an identity of {@code kind} with these field values matches. */
    public boolean matches(String kind, Map<String, String> values) {
        if (!this.kind.equals(kind)) {
            return false;
        }
        for (Map.Entry<String, Glob> f : fields.entrySet()) {
            String v = values.get(f.getKey());
            if (v == null || !f.getValue().matches(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The dataset an identity holds: what the name field's stars matched goes into {@code target}.
     */
    public String substitute(Map<String, String> values, String target) {
        Glob name = fields.get(NAME_FIELD.get(kind));
        if (target == null || name == null || !target.contains("*")) {
            return target;
        }
        return name.substitute(values.get(NAME_FIELD.get(kind)), target);
    }

    /** Literal characters over all fields: a more specific entry wins over a broader one. */
    public int specificity() {
        return fields.values().stream().mapToInt(Glob::specificity).sum();
    }

    @Override
    public String toString() {
        return "{"
                + kind
                + ": {"
                + fields.entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining(", "))
                + "}}";
    }
}
