package dev.sluice.sql;

import java.util.List;

/**
 * A pipeline ready to plan or run: the catalog files, then the pipeline file, all bound to their
 * variables, and the pipeline's metadata. Build one with {@link PipelineLoader}.
 */
public record Pipeline(
        PipelineMetadata metadata,
        List<BoundScript> catalog,
        BoundScript pipeline,
        Variables variables) {

    public Pipeline {
        catalog = List.copyOf(catalog);
    }

    /** The {@code INSERT}s of the pipeline file, which together make one job. */
    public List<BoundStatement> inserts() {
        return pipeline.statements().stream()
                .filter(s -> s.kind() == StatementKind.INSERT)
                .toList();
    }
}
