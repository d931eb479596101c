package dev.sluice.pipeline;

import dev.sluice.drift.DriftPlan;
import dev.sluice.drift.DriftStatements;
import dev.sluice.pipeline.schema.SchemaEvolution;
import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.FlinkErrors;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineException;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.PipelineStatements;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Runs a SQL pipeline in a table environment the caller owns: the catalog files first (in name
 * order), then the pipeline file, whose {@code INSERT}s all join one statement set, so the whole
 * file is one Flink job.
 *
 * <p>The header's parallelism and checkpoint interval and the pipeline name are applied to the
 * environment's table configuration before any statement; a {@code SET} in the file wins over them.
 */
public final class PipelineRunner {

    private PipelineRunner() {}

    /**
     * Loads and runs a pipeline from files on disk and returns once its job is submitted; {@code
     * result.getJobClient()} then follows or stops it.
     *
     * @throws PipelineException if the files have problems (all of them are listed)
     * @throws SqlFileException if Flink refuses a statement, at its place in the file
     */
    public static TableResult execute(
            StreamTableEnvironment tEnv,
            List<Path> catalogFiles,
            Path pipelineFile,
            Variables vars) {
        List<SourceText> catalog = new ArrayList<>();
        for (Path file : catalogFiles) {
            catalog.add(SqlFiles.read(file));
        }
        return execute(tEnv, PipelineLoader.load(catalog, SqlFiles.read(pipelineFile), vars));
    }

    /**
     * Runs a loaded pipeline; see {@link #execute(StreamTableEnvironment, List, Path, Variables)}.
     */
    public static TableResult execute(TableEnvironment tEnv, Pipeline pipeline) {
        return execute(tEnv, pipeline, PipelineStatements.prepare(tEnv, pipeline));
    }

    /**
     * Runs a loaded pipeline with PII drift detection in front of its sinks (see {@link
     * DriftStatements}); a null plan runs it plainly.
     */
    public static TableResult execute(
            StreamTableEnvironment tEnv, Pipeline pipeline, DriftPlan drift) {
        if (drift == null) {
            return execute(tEnv, pipeline);
        }
        return execute(tEnv, pipeline, DriftStatements.prepare(tEnv, pipeline, drift));
    }

    /**
     * Runs a loaded pipeline with its sinks' schema-change modes applied (see {@link
     * SchemaEvolution}) and, with a drift plan, drift detection in front of its sinks.
     */
    public static TableResult execute(
            StreamTableEnvironment tEnv,
            Pipeline pipeline,
            DriftPlan drift,
            SchemaEvolution evolution) {
        StatementSet inserts;
        try {
            inserts =
                    drift == null
                            ? PipelineStatements.prepare(
                                    tEnv, pipeline, t -> evolution.apply(t, pipeline))
                            : DriftStatements.prepare(
                                    tEnv, pipeline, drift, t -> evolution.apply(t, pipeline));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new PipelineSchemaException(e.getMessage(), e);
        }
        return execute(tEnv, pipeline, inserts);
    }

    /** The schema-change planner refused the pipeline or could not apply a change. */
    public static final class PipelineSchemaException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PipelineSchemaException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static TableResult execute(
            TableEnvironment tEnv, Pipeline pipeline, StatementSet inserts) {
        WarehousePreflight.check(tEnv, pipeline);
        BoundStatement first = pipeline.inserts().get(0);
        try {
            return inserts.execute();
        } catch (RuntimeException e) {
            throw FlinkErrors.at(first, e, pipeline.variables());
        }
    }
}
