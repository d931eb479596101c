package dev.sluice.stagingschemas;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The current columns of one staging topic as the registry holds them.
 *
 * @param topic the staging topic, e.g. {@code staging.payments.public.customers}
 * @param version the 16-hex fingerprint every change of this schema carries in {@code
 *     source.schema_version}
 * @param previous the version before, or null for the first one
 * @param changedAt when ingest saw the change
 * @param change what changed from {@code previous} to {@code version}
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
        change = change == null ? SchemaChange.NONE : change;
    }

    public Optional<StagingColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
