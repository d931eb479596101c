package dev.sluice.stagingschemas;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One version of a staging topic's schema, as the registry topic {@code <prefix>._schemas} holds
 * it: the topic, its version (a 16-hex fingerprint of the columns, see {@link
 * StagingSchemas#fingerprint}), the version before it (null for the first one ingest saw), the
 * columns in order, when ingest saw the change, and what changed from the previous version.
 */
public record StagingSchema(
        String topic,
        String version,
        String previous,
        List<StagingColumn> columns,
        Instant changedAt,
        SchemaChange change) {
    public StagingSchema {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(version, "version");
        columns = List.copyOf(columns);
        Objects.requireNonNull(changedAt, "changedAt");
        change = change == null ? SchemaChange.NONE : change;
    }

    /** The column of that name, or null. */
    public StagingColumn column(String name) {
        for (StagingColumn c : columns) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
