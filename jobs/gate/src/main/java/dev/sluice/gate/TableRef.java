package dev.sluice.gate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A table as one plan node reads or writes it: its catalog identifier and the {@code OPTIONS} hint
 * the query put on it there (empty without one). {@link #key()} names it in lineage, so two scans
 * of one table under different hints stay two places.
 */
public record TableRef(String identifier, Map<String, String> hints) {
    public TableRef {
        hints = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hints));
    }

    public String key() {
        if (hints.isEmpty()) {
            return identifier;
        }
        return identifier
                + " /*+ OPTIONS("
                + hints.entrySet().stream()
                        .map(e -> "'" + e.getKey() + "'='" + e.getValue() + "'")
                        .collect(Collectors.joining(", "))
                + ") */";
    }
}
