package dev.sluice.sql;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Who owns a pipeline, what it does and how it runs, from the header of its SQL file (see {@link
 * PipelineMetadataParser} for the format).
 *
 * @param name the pipeline name: {@code @name}, or the file name without {@code .sql}
 * @param owner the owning team ({@code @owner}, required)
 * @param description one line on what the pipeline does ({@code @description}, required)
 * @param parallelism the job parallelism ({@code @parallelism}, at least 1, default 1)
 * @param checkpointInterval {@code @checkpoint-interval}, default 30 s; sinks such as Iceberg
 *     commit only on checkpoints, so this is also their commit interval
 * @param tags every other {@code @tag} of the header, by name without the {@code @}
 * @param schemaChanges the sinks' schema-change modes ({@code @schema-changes}, default {@code
 *     ignore})
 */
public record PipelineMetadata(
        String name,
        String owner,
        String description,
        int parallelism,
        Duration checkpointInterval,
        Map<String, String> tags,
        SchemaChangeModes schemaChanges) {

    public static final int DEFAULT_PARALLELISM = 1;
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

    public PipelineMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        if (parallelism < 1) {
            throw new IllegalArgumentException(
                    "Invalid parallelism: " + parallelism + ". Use 1 or more.");
        }
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException(
                    "Invalid checkpoint interval: "
                            + checkpointInterval
                            + ". Use a positive duration such as 10 s.");
        }
        tags = Map.copyOf(tags);
        Objects.requireNonNull(schemaChanges, "schemaChanges");
    }

    /** Metadata whose sinks all keep the default schema-change mode. */
    public PipelineMetadata(
            String name,
            String owner,
            String description,
            int parallelism,
            Duration checkpointInterval,
            Map<String, String> tags) {
        this(
                name,
                owner,
                description,
                parallelism,
                checkpointInterval,
                tags,
                SchemaChangeModes.DEFAULT);
    }
}
