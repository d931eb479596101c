package dev.sluice.stagingschemas;

import java.util.Objects;

/**
 * One column of a staging topic's change records: its name, the Flink SQL type its staged value
 * maps to (as the staging tables of {@code sql/catalog/10_staging.sql} declare it, e.g. {@code
 * BIGINT}, {@code DECIMAL(12, 2)}, {@code TIMESTAMP_LTZ(6)}), whether it may be null, and whether
 * it is part of the primary key (the staging record's Kafka key).
 */
public record StagingColumn(String name, String type, boolean nullable, boolean key) {
    public StagingColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
