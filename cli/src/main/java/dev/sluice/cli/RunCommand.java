package dev.sluice.cli;

import dev.sluice.cluster.LocalFlinkCluster;
import dev.sluice.pipeline.PipelineRunner;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.SqlFileException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
        try {
            Configuration jobConfiguration =
                    SavepointOnShutdown.jobConfiguration(
                            work, savepoints, Optional.ofNullable(fromSavepoint));
            StreamTableEnvironment tEnv =
                    StreamTableEnvironment.create(cluster.environment(jobConfiguration));
            TableResult result;
            try {
                result = PipelineRunner.execute(tEnv, pipeline);
            } catch (SqlFileException e) {
                throw new UserError(e.describe());
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
                return ExitCodes.OK;
            } catch (ExecutionException e) {
                if (shutdown.stopping()) {
                    return ExitCodes.OK;
                }
                Throwable cause = ExceptionUtils.stripExecutionException(e);
                Throwable root =
                        ExceptionUtils.findThrowable(cause, t -> t.getCause() == null)
                                .orElse(cause);
                throw new UserError(
                        "Pipeline job failed: "
                                + variables.redact(String.valueOf(root.getMessage()))
                                + ". The web UI's exception tab shows the full trace while the cluster runs; check the endpoints in your variables.",
                        ExitCodes.INVALID,
                        null);
            } finally {
                shutdown.unwatch();
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
}
