package dev.sluice.cli;

import dev.sluice.cluster.LocalFlinkCluster;
import dev.sluice.connectors.deadletter.StagingSchemaChangedException;
import dev.sluice.pipeline.PipelineRunner;
import dev.sluice.pipeline.schema.SchemaEvolution;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.Variables;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.util.ExceptionUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice run FILE}: runs one pipeline in a local Flink cluster with its web UI. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run a SQL pipeline locally: a Flink cluster inside this process (web UI on a random"
                    + " loopback port, printed), the catalog files, then the pipeline as one job."
                    + " Endpoints (Kafka, Iceberg catalog, databases) come from variables.",
            "Ctrl-C stops the job with a savepoint (resume it with --from-savepoint), or cancels"
                    + " it when no savepoint can be taken. Exit code 0 when the job finished or was"
                    + " stopped, 1 on invalid files, a policy the gate refuses or a failed job, 2 on wrong"
                    + " usage, 3 when the cluster cannot start."
        })
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin PipelineFileOptions pipelineFile;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description =
                    "Checkpoints and savepoints go here (default: .sluice/run/<pipeline name>).")
    Path workDir;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description = "Start from this savepoint (printed by an earlier Ctrl-C).")
    String fromSavepoint;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PipelineFileOptions.Checked checked = pipelineFile.loadAndGate("run");
        var variables = checked.variables();
        Pipeline pipeline = checked.loaded().pipeline();
        String name = pipeline.metadata().name();
        Path work = (workDir != null ? workDir : Path.of(".sluice", "run", name)).toAbsolutePath();
        Path savepoints = work.resolve("savepoints");
        Files.createDirectories(savepoints);

        LocalFlinkCluster cluster;
        try {
            cluster = LocalFlinkCluster.start(Math.max(4, pipeline.metadata().parallelism()));
        } catch (Exception e) {
            throw new UserError(
                    "Cannot start the local Flink cluster: "
                            + ExceptionUtils.stripExecutionException(e).getMessage()
                            + ". Check free memory and that loopback ports can be bound.",
                    ExitCodes.UNAVAILABLE,
                    e);
        }
        SavepointOnShutdown shutdown = new SavepointOnShutdown(savepoints, out);
        SchemaEvolution evolution =
                new SchemaEvolution(
                        pipelineFile.columnReview(),
                        pipelineFile.auditLog(),
                        "run",
                        Duration.ofSeconds(60));
        try {
            Optional<String> savepoint = Optional.ofNullable(fromSavepoint);
            String lastChange = null;
            while (true) {
                Optional<StagingSchemaChangedException.Found> change =
                        runOnce(
                                cluster,
                                pipeline,
                                variables,
                                evolution,
                                work,
                                savepoints,
                                savepoint,
                                shutdown);
                if (change.isEmpty()) {
                    return ExitCodes.OK;
                }
                StagingSchemaChangedException.Found found = change.get();
                if (!found.evolve()) {
                    evolution.auditFailure(pipeline, found.message());
                    throw new UserError(
                            "Pipeline job stopped: " + variables.redact(found.message()),
                            ExitCodes.INVALID,
                            null);
                }
                if (found.message().equals(lastChange)) {
                    throw new UserError(
                            "Pipeline job stopped twice on the same schema change, which the"
                                    + " staging schema registry does not explain: "
                                    + variables.redact(found.message())
                                    + " Check that ingest writes the registry topic"
                                    + " (<prefix>._schemas), or set -- @schema-changes ignore.",
                            ExitCodes.INVALID,
                            null);
                }
                lastChange = found.message();
                // the registry's change is recorded like at the start, before the replan
                // records what the pipeline does with it
                pipelineFile.reviewSchemasAgain("run");
                out.println("Schema change: " + variables.redact(found.message()));
                out.println(
                        "Replanning and restarting from the offsets the job committed (sinks"
                                + " upsert by key, so records read twice change nothing).");
                out.flush();
                // the new plan has other operators: it starts from the consumer group's offsets,
                // not from a savepoint of the old one
                savepoint = Optional.empty();
            }
        } finally {
            try {
                cluster.close();
            } finally {
                // a stop waiting for this must not wait out its timeout because close() failed
                shutdown.release();
            }
        }
    }

    /**
     * Plans and runs the pipeline once; returns the schema change that stopped it in mode evolve or
     * fail, empty when it finished or was stopped.
     */
    private Optional<StagingSchemaChangedException.Found> runOnce(
            LocalFlinkCluster cluster,
            Pipeline pipeline,
            Variables variables,
            SchemaEvolution evolution,
            Path work,
            Path savepoints,
            Optional<String> savepoint,
            SavepointOnShutdown shutdown)
            throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String name = pipeline.metadata().name();
        Configuration jobConfiguration =
                SavepointOnShutdown.jobConfiguration(work, savepoints, savepoint);
        StreamTableEnvironment tEnv =
                StreamTableEnvironment.create(cluster.environment(jobConfiguration));
        TableResult result;
        try {
            result = PipelineRunner.execute(tEnv, pipeline, null, evolution);
        } catch (SqlFileException e) {
            throw new UserError(e.describe());
        } catch (PipelineRunner.PipelineSchemaException e) {
            throw new UserError(variables.redact(e.getMessage()));
        }
        for (String note : evolution.notes()) {
            out.println(variables.redact(note));
        }
        JobClient job = result.getJobClient().orElseThrow();
        out.println(
                "Pipeline "
                        + name
                        + " (owner "
                        + pipeline.metadata().owner()
                        + ") running as job "
                        + job.getJobID());
        out.println("Web UI: " + cluster.webUi());
        out.println("Ctrl-C stops it with a savepoint under " + savepoints);
        out.flush();

        shutdown.watch(job, "sluice-run-stop");
        try {
            JobExecutionResult finished = job.getJobExecutionResult().get();
            out.println(
                    "Job "
                            + finished.getJobID()
                            + " finished in "
                            + finished.getNetRuntime(TimeUnit.MILLISECONDS)
                            + " ms.");
            return Optional.empty();
        } catch (ExecutionException e) {
            if (shutdown.stopping()) {
                return Optional.empty();
            }
            Throwable cause = ExceptionUtils.stripExecutionException(e);
            Optional<StagingSchemaChangedException.Found> change =
                    StagingSchemaChangedException.find(cause);
            if (change.isPresent()) {
                return change;
            }
            Throwable root =
                    ExceptionUtils.findThrowable(cause, t -> t.getCause() == null).orElse(cause);
            throw new UserError(
                    "Pipeline job failed: "
                            + variables.redact(String.valueOf(root.getMessage()))
                            + ". The web UI's exception tab shows the full trace while the cluster runs; check the endpoints in your variables.",
                    ExitCodes.INVALID,
                    null);
        } finally {
            shutdown.unwatch();
        }
    }
}
