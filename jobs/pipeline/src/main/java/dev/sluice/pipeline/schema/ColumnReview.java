package dev.sluice.pipeline.schema;

import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchema;

/**
 * Decides whether a column a source added may be propagated by {@code evolve}: only a column the
 * policy has reviewed reaches a sink; the others are held back (see docs/schema-changes.md).
 */
@FunctionalInterface
public interface ColumnReview {

    /**
     * @param stagingTable the staging table's full Flink name
     */
    boolean mayPropagate(String stagingTable, StagingSchema schema, StagingColumn column);
}
