package dev.sluice.stagingschemas;

import java.util.Objects;

/**
 * One column of a staging topic.
 *
 * @param type the Flink SQL type, as sql/catalog/10_staging.sql declares columns ({@code BIGINT},
 *     {@code DECIMAL(12, 2)}, {@code TIMESTAMP_LTZ(6)})
 * @param key whether it is part of the primary key
 */
public record StagingColumn(String name, String type, boolean nullable, boolean key) {
    public StagingColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
